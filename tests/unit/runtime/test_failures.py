"""After a failed batch: transient errors wait and retry; a batch failing twice the same way is split."""
import pytest
from hypothesis import given
from hypothesis import strategies as st
from kafka.errors import KafkaConnectionError, KafkaError
from kafka.structs import TopicPartition

from streams.runtime.failures import BACKOFF_MAX_S, BatchFailures, PoisonedRecord, is_transient
from streams.runtime.retry import TransientError

TP = TopicPartition("auction.items", 0)
OTHER = TopicPartition("auction.items", 1)


class DataError(Exception):
    pass


def records(tp, first, last):
    return [(tp, offset) for offset in range(first, last + 1)]


def test_a_batch_failing_once_is_retried_whole():
    failures = BatchFailures()
    failures.failed(records(TP, 10, 19), {TP: 10}, DataError("too long"), transient=False)
    assert not failures.splitting
    assert failures.batch_limit(2000) == 2000
    assert failures.backoff_s() == 0


def test_the_same_batch_failing_twice_the_same_way_is_applied_record_by_record_until_past_it():
    failures = BatchFailures()
    for _ in range(2):
        failures.failed(records(TP, 10, 19), {TP: 10}, DataError("too long"), transient=False)
    assert failures.splitting and failures.batch_limit(2000) == 1

    failures.committed({TP: 11})  # record 10 alone was fine
    assert failures.splitting
    failures.failed([(TP, 11)], {TP: 11}, DataError("too long"), transient=False)  # 11 alone fails
    poisoned = failures.poisoned(TP, 11)
    assert isinstance(poisoned, PoisonedRecord) and "too long" in str(poisoned)

    failures.committed({TP: 12})  # 11 dead-lettered, the rest commits one by one
    assert failures.poisoned(TP, 11) is None
    failures.committed({TP: 20})
    assert not failures.splitting and failures.batch_limit(2000) == 2000


def test_a_different_failure_the_second_time_is_not_yet_a_pattern():
    failures = BatchFailures()
    failures.failed(records(TP, 10, 19), {TP: 10}, DataError("x"), transient=False)
    failures.failed(records(TP, 10, 19), {TP: 10}, ValueError("y"), transient=False)
    assert not failures.splitting
    failures.failed(records(TP, 12, 19), {TP: 12}, ValueError("y"), transient=False)
    assert not failures.splitting


def test_transient_failures_back_off_and_never_split_or_poison():
    failures = BatchFailures()
    pauses = []
    for _ in range(12):
        failures.failed(records(TP, 10, 10), {TP: 10}, KafkaConnectionError(), transient=True)
        pauses.append(failures.backoff_s())
    assert not failures.splitting and failures.poisoned(TP, 10) is None
    assert pauses == sorted(pauses) and pauses[0] > 0 and pauses[-1] == BACKOFF_MAX_S
    assert failures.aborts_in_a_row == 12
    failures.committed({TP: 11})
    assert failures.backoff_s() == 0 and failures.aborts_in_a_row == 0


def test_losing_a_partition_forgets_what_was_learnt_about_it():
    failures = BatchFailures()
    for _ in range(2):
        failures.failed(records(TP, 0, 3) + records(OTHER, 5, 6), {TP: 0, OTHER: 5}, DataError(), transient=False)
    failures.failed([(TP, 0)], {TP: 0}, DataError(), transient=False)
    failures.forget([TP])
    assert failures.poisoned(TP, 0) is None
    assert failures.splitting  # OTHER is still being split
    failures.forget([OTHER])
    assert not failures.splitting


@given(st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=30, unique=True), st.integers(1, 40))
def test_splitting_dead_letters_exactly_the_records_that_fail_alone(bad, size):
    """Drive the bookkeeping like the runner does: every record is either applied or dead-lettered once."""
    bad = set(bad)
    failures = BatchFailures()
    position, applied, dead = 0, [], []
    for _ in range(10_000):
        if position > 40:
            break
        batch = list(range(position, min(position + failures.batch_limit(size), 41)))
        poisoned = [o for o in batch if failures.poisoned(TP, o)]
        to_apply = [o for o in batch if o not in poisoned]
        if any(o in bad for o in to_apply):
            failures.failed([(TP, o) for o in batch], {TP: batch[0]}, DataError(), transient=False)
            continue
        applied += to_apply
        dead += poisoned
        position = batch[-1] + 1
        failures.committed({TP: position})
    assert sorted(applied + dead) == list(range(41))
    assert set(dead) == {o for o in bad if o <= 40}


@pytest.mark.parametrize(
    "error, expected",
    [
        (TransientError("later"), True),
        (KafkaConnectionError("down"), True),
        (KafkaError("not retriable"), False),
        (DataError("too long"), False),
    ],
)
def test_what_counts_as_transient(error, expected):
    assert is_transient(error) is expected


def test_the_sink_decides_for_its_own_errors_even_when_wrapped():
    class Away(Exception):
        pass

    try:
        try:
            raise Away("database down")
        except Away as cause:
            raise RuntimeError("commit failed") from cause
    except RuntimeError as wrapped:
        error = wrapped
    assert is_transient(error, lambda e: isinstance(e, Away))
    assert not is_transient(error)
