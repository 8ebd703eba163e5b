"""Input synchronization: timestamp order across co-partitioned inputs, and when to wait."""
from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st
from kafka.structs import TopicPartition

from streams.runtime.synchronizer import InputSynchronizer

ITEMS, BIDS = "items", "bids"


@dataclass(frozen=True)
class Rec:
    topic: str
    partition: int
    offset: int
    timestamp: int


def recs(topic: str, partition: int, *timestamps: int, first_offset: int = 0) -> list[Rec]:
    return [Rec(topic, partition, first_offset + i, ts) for i, ts in enumerate(timestamps)]


def never_lagging(tp: TopicPartition) -> bool:
    return False


def always_lagging(tp: TopicPartition) -> bool:
    return True


def test_a_single_input_passes_through_in_offset_order():
    sync = InputSynchronizer([ITEMS], max_idle_ms=0)
    sync.add(TopicPartition(ITEMS, 0), recs(ITEMS, 0, 30, 10, 20))
    assert [r.offset for r in sync.ready(0, always_lagging, 100)] == [0, 1, 2]
    assert sync.ready(0, always_lagging, 100) == []


def test_two_inputs_merge_by_timestamp_with_ties_to_the_first_declared_input():
    sync = InputSynchronizer([ITEMS, BIDS], max_idle_ms=0)
    sync.add(TopicPartition(BIDS, 0), recs(BIDS, 0, 10, 20, 40))
    sync.add(TopicPartition(ITEMS, 0), recs(ITEMS, 0, 5, 20, 30))
    out = sync.ready(0, never_lagging, 100)
    assert [(r.topic, r.timestamp) for r in out] == [
        (ITEMS, 5), (BIDS, 10), (ITEMS, 20), (BIDS, 20), (ITEMS, 30), (BIDS, 40)
    ]


def test_a_bid_fetched_first_waits_for_the_listings_partition_while_it_lags():
    sync = InputSynchronizer([ITEMS, BIDS], max_idle_ms=0)
    sync.add(TopicPartition(BIDS, 2), recs(BIDS, 2, 200))
    assert sync.ready(0, always_lagging, 100) == []
    sync.add(TopicPartition(ITEMS, 2), recs(ITEMS, 2, 100))
    assert [r.topic for r in sync.ready(0, always_lagging, 100)] == [ITEMS]
    # The listing partition is empty again and still lags: the bid keeps waiting for it.
    assert sync.ready(0, always_lagging, 100) == []
    assert [r.topic for r in sync.ready(0, never_lagging, 100)] == [BIDS]


def test_an_empty_caught_up_input_is_waited_for_max_idle_ms_then_skipped():
    sync = InputSynchronizer([ITEMS, BIDS], max_idle_ms=500)
    sync.add(TopicPartition(BIDS, 0), recs(BIDS, 0, 10, 11))
    assert sync.ready(1_000, never_lagging, 100) == []
    assert sync.ready(1_499, never_lagging, 100) == []
    assert [r.timestamp for r in sync.ready(1_500, never_lagging, 100)] == [10, 11]


def test_a_held_back_task_says_when_it_goes_on_so_a_poll_need_not_wait_longer():
    sync = InputSynchronizer([ITEMS, BIDS], max_idle_ms=500)
    assert sync.waiting_until_ms() is None
    sync.add(TopicPartition(BIDS, 0), recs(BIDS, 0, 10))
    sync.ready(1_000, never_lagging, 100)
    assert sync.waiting_until_ms() == 1_500
    sync.ready(1_500, never_lagging, 100)
    assert sync.waiting_until_ms() is None


def test_the_idle_wait_starts_over_whenever_an_input_runs_empty_again():
    sync = InputSynchronizer([ITEMS, BIDS], max_idle_ms=500)
    sync.add(TopicPartition(BIDS, 0), recs(BIDS, 0, 10))
    assert sync.ready(1_000, never_lagging, 100) == []
    sync.add(TopicPartition(ITEMS, 0), recs(ITEMS, 0, 5))
    sync.add(TopicPartition(BIDS, 0), recs(BIDS, 0, 20, first_offset=1))
    # items@5 goes first; then items is empty again, so bids wait afresh from 1_600, not from 1_000.
    assert [r.timestamp for r in sync.ready(1_600, never_lagging, 100)] == [5]
    assert sync.ready(2_099, never_lagging, 100) == []
    assert [r.timestamp for r in sync.ready(2_100, never_lagging, 100)] == [10, 20]


def test_tasks_are_independent():
    sync = InputSynchronizer([ITEMS, BIDS], max_idle_ms=10_000)
    sync.add(TopicPartition(BIDS, 0), recs(BIDS, 0, 1))
    sync.add(TopicPartition(ITEMS, 1), recs(ITEMS, 1, 1, 3))
    sync.add(TopicPartition(BIDS, 1), recs(BIDS, 1, 2, 4))
    out = sync.ready(0, never_lagging, 100)
    # Task 0 waits for its items partition; task 1 merges until its items partition runs dry.
    assert [(r.topic, r.partition, r.timestamp) for r in out] == [(ITEMS, 1, 1), (BIDS, 1, 2), (ITEMS, 1, 3)]


def test_limit_and_drop():
    sync = InputSynchronizer([ITEMS], max_idle_ms=0)
    sync.add(TopicPartition(ITEMS, 0), recs(ITEMS, 0, *range(10)))
    sync.add(TopicPartition(ITEMS, 1), recs(ITEMS, 1, *range(10)))
    assert len(sync.ready(0, never_lagging, 4)) == 4
    assert sync.buffered(TopicPartition(ITEMS, 0)) + sync.buffered(TopicPartition(ITEMS, 1)) == 16
    sync.drop([0])
    assert sync.buffered(TopicPartition(ITEMS, 0)) == 0
    assert all(r.partition == 1 for r in sync.ready(0, never_lagging, 100))


arrivals = st.lists(
    st.tuples(st.sampled_from([ITEMS, BIDS]), st.integers(0, 2), st.lists(st.integers(0, 50), min_size=1, max_size=5)),
    max_size=20,
)


@given(arrivals, st.integers(1, 7))
def test_every_record_comes_out_once_in_offset_order_per_partition(batches, limit):
    sync = InputSynchronizer([ITEMS, BIDS], max_idle_ms=0)
    next_offset: dict = {}
    added = []
    for topic, partition, timestamps in batches:
        tp = TopicPartition(topic, partition)
        batch = recs(topic, partition, *timestamps, first_offset=next_offset.get(tp, 0))
        next_offset[tp] = next_offset.get(tp, 0) + len(batch)
        added.extend(batch)
        sync.add(tp, batch)
    out = []
    while chunk := sync.ready(0, never_lagging, limit):
        assert len(chunk) <= limit
        out.extend(chunk)
    assert sorted(out, key=lambda r: (r.topic, r.partition, r.offset)) == sorted(
        added, key=lambda r: (r.topic, r.partition, r.offset)
    )
    for tp in next_offset:
        offsets = [r.offset for r in out if (r.topic, r.partition) == tp]
        assert offsets == sorted(offsets)


@given(st.lists(st.integers(0, 100), max_size=15), st.lists(st.integers(0, 100), max_size=15))
def test_with_both_inputs_fully_buffered_timestamps_never_go_backwards(item_times, bid_times):
    sync = InputSynchronizer([ITEMS, BIDS], max_idle_ms=0)
    sync.add(TopicPartition(ITEMS, 0), recs(ITEMS, 0, *sorted(item_times)))
    sync.add(TopicPartition(BIDS, 0), recs(BIDS, 0, *sorted(bid_times)))
    out = sync.ready(0, always_lagging, 1_000)
    # Records come out while both inputs have some; what is left waits for the lagging input.
    assert [r.timestamp for r in out] == sorted(r.timestamp for r in out)
    if item_times and bid_times:
        assert len(out) >= min(len(item_times), len(bid_times))
