"""Transactions that fail: roll back and rewind, wait out transient errors, find the record at fault, re-create the producer.

The fake producer fails where the test says (`broker.fail_next`, `broker.reject`); the fake
clock records every pause the runner takes instead of sleeping.
"""
import itertools

import pytest
from kafka.errors import InvalidRecordError, KafkaConnectionError, KafkaError, ProducerFencedError
from kafka.structs import TopicPartition

from streams.runtime import Emit, Processor, TransientError
from streams.runtime.runner import POLL_RETRY_S
from streams.runtime.transactions import CommitTimeout
from streams.topics import DEAD_LETTER_TOPIC, changelog_topic
from tests.unit.runtime.fakebroker import FakeProducer
from tests.unit.runtime.processors import counting

P0 = TopicPartition("in", 0)


@pytest.fixture
def instance(broker, start):
    broker.create_topic("in", 1)
    broker.create_topic("out", 1)
    instance = start(counting)
    broker.assign(instance.consumer, [P0])
    return instance


def produce(broker, *keys: bytes) -> None:
    for key in keys:
        broker.produce("in", key, b"", partition=0)


def test_a_failed_transaction_rolls_state_back_and_rewinds_to_the_committed_offsets(broker, clock, instance):
    produce(broker, b"x", b"y")
    instance.step_until_idle()
    produce(broker, b"x", b"x")
    broker.fail_next("commit_transaction", KafkaError("the broker refused the commit"))

    assert instance.step() == 0
    assert instance.runner.health.aborts_in_a_row == 1
    assert broker.values("out") == [b"x=1", b"y=1"]  # the aborted outputs are never read
    assert broker.committed("counting", P0) == 2

    instance.step_until_idle()
    assert broker.values("out") == [b"x=1", b"y=1", b"x=2", b"x=3"]  # the store was rolled back: not x=4, x=5
    assert broker.committed("counting", P0) == 4
    changelog = broker.records(changelog_topic("counting", "counts"))
    assert [(record.key, record.value) for record in changelog if record.key == b"x"][-1] == (b"x", b"3")
    assert clock.sleeps == []  # not transient: retried at once


def test_a_transient_failure_is_retried_after_growing_pauses_and_never_dead_letters(broker, clock, instance):
    produce(broker, b"x")
    broker.fail_next("commit_transaction", KafkaConnectionError("the broker is away"), times=3)
    instance.step_until_idle()
    assert clock.sleeps == [0.1, 0.2, 0.4]
    assert broker.values("out") == [b"x=1"]
    assert broker.records(DEAD_LETTER_TOPIC) == []


def test_a_poll_failing_on_a_dead_broker_is_a_step_that_read_nothing_not_the_end_of_the_instance(broker, clock, instance):
    produce(broker, b"x")
    broker.fail_next("poll", KafkaConnectionError("111 ECONNREFUSED"), times=2)
    assert instance.step() == 0 and instance.step() == 0  # kafka-python raised from poll: the group's coordinator died
    assert clock.sleeps == [POLL_RETRY_S, POLL_RETRY_S]
    instance.step_until_idle()
    assert broker.values("out") == [b"x=1"]


def test_a_poll_failing_on_a_fatal_error_still_ends_the_instance(broker, instance):
    broker.fail_next("poll", KafkaError("not retriable"))
    with pytest.raises(KafkaError, match="not retriable"):
        instance.step()


def test_a_handler_failing_transiently_is_retried_then_its_batch_never_dead_lettering(broker, clock, start):
    broker.create_topic("in", 1)
    broker.create_topic("out", 1)
    calls = itertools.count(1)

    def flaky(record, context):
        if next(calls) <= 4:
            raise TransientError("the database is away")
        return [Emit("out", record.key, record.value)]

    instance = start(Processor(name="flaky", inputs=["in"], outputs=["out"], handle=flaky))
    broker.assign(instance.consumer, [P0])
    broker.produce("in", b"k", b"v", partition=0)
    instance.step_until_idle()
    # three tries (pauses of 50 and 100 ms) abort the batch; it comes back after 100 ms and succeeds on its second try
    assert clock.sleeps == [0.05, 0.1, 0.1, 0.05]
    assert broker.values("out") == [b"v"]
    assert broker.records(DEAD_LETTER_TOPIC) == []


def test_a_batch_failing_twice_the_same_way_is_split_and_only_the_failing_record_dead_lettered(broker, clock, instance):
    produce(broker, b"x", b"poison", b"y")
    broker.reject(lambda record: record.topic == "out" and record.key == b"poison", InvalidRecordError("refused"))
    instance.step_until_idle()

    assert broker.values("out") == [b"x=1", b"y=1"]
    (dead,) = broker.records(DEAD_LETTER_TOPIC)
    headers = dict(dead.headers)
    assert dead.key == b"poison"
    assert (headers["dlq.topic"], headers["dlq.offset"]) == (b"in", b"1")
    assert headers["dlq.error_type"] == b"PoisonedRecord" and b"InvalidRecordError" in headers["dlq.error"]
    changelog = broker.records(changelog_topic("counting", "counts"))
    assert b"poison" not in {record.key for record in changelog}  # its count was rolled back with its transaction
    assert broker.committed("counting", P0) == 3
    assert clock.sleeps == []


@pytest.mark.parametrize("took_effect", [False, True], ids=["commit-lost", "reply-lost"])
def test_a_commit_that_times_out_recreates_the_producer_and_goes_on_from_what_was_committed(broker, instance, took_effect):
    produce(broker, b"x")
    instance.step_until_idle()
    produce(broker, b"x", b"y")
    broker.fail_next("commit_transaction", CommitTimeout("commit_transaction took over 30 s"), after=took_effect)

    assert instance.step() == 0
    first, second = instance.clients.made["transactional_producer"]
    assert first.fenced and not second.fenced  # the new producer's init_transactions settled the old transaction

    instance.step_until_idle()
    assert broker.values("out") == [b"x=1", b"x=2", b"y=1"]  # once each, whichever way the commit went
    assert broker.committed("counting", P0) == 3


def test_a_fence_recreates_the_producer_once_and_a_second_fence_soon_after_is_fatal(broker, instance):
    """A transaction the coordinator aborted (it outlived its timeout while a broker died) fences the
    producer: the instance goes on with a new one. Fenced again within a minute, another process runs
    under its id: it stops."""
    produce(broker, b"x")
    instance.step_until_idle()
    FakeProducer(broker, client_id="intruder", transactional_id="counting-a").init_transactions()
    produce(broker, b"x")
    assert instance.step() == 0
    first, second = instance.clients.made["transactional_producer"]
    assert first.fenced and not second.fenced
    instance.step_until_idle()
    assert broker.values("out") == [b"x=1", b"x=2"]  # nothing lost, nothing twice

    FakeProducer(broker, client_id="intruder", transactional_id="counting-a").init_transactions()
    produce(broker, b"x")
    with pytest.raises(ProducerFencedError):
        instance.step()
    assert broker.values("out") == [b"x=1", b"x=2"]
