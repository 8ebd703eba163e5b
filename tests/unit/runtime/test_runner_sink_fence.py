"""A sink processor that lost its partitions without knowing it applies nothing twice.

An instance that stalls past the session timeout loses its partitions to another, which reads
the offsets the sink holds and goes on. The stalled one still holds a batch from where it read;
its commit carries the offsets it read as the fence, finds the other's, applies nothing and
reads on from what the sink holds.
"""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kafka.structs import TopicPartition

from streams.runtime import Processor
from streams.runtime.sink import OffsetsMoved
from streams.topics import DEAD_LETTER_TOPIC
from tests.unit.runtime.fakebroker import FakeBroker, MockedClock, start_runner

IN = TopicPartition("in", 0)


class MemorySink:
    """Rows and offsets in one "transaction", fenced like the PostgreSQL sink."""

    def __init__(self) -> None:
        self.rows: list[str] = []
        self.offsets: dict[TopicPartition, int] = {}

    def load_offsets(self, partitions):
        return {tp: self.offsets[tp] for tp in partitions if tp in self.offsets}

    def commit(self, results, offsets, expected=None):
        moved = {tp for tp, offset in (expected or {}).items() if tp in self.offsets and self.offsets[tp] != offset}
        if moved:
            raise OffsetsMoved(f"{sorted(moved)}")
        self.rows.extend(results)
        self.offsets.update(offsets)


@pytest.fixture
def sink():
    return MemorySink()


@pytest.fixture(autouse=True)
def topics(broker):
    broker.create_topic("in", 1)


def test_a_batch_read_before_another_instance_committed_is_not_applied_again(broker, start, sink):
    processor = Processor(name="rows", inputs=["in"], handle=lambda record, context: [record.value.decode()], sink=sink)
    instance = start(processor)
    broker.assign(instance.consumer, [IN])
    instance.step_until_idle()  # takes the partition
    broker.produce("in", b"k", b"first", partition=0)
    instance.step_until_idle()
    assert sink.rows == ["first"] and sink.offsets[IN] == 1

    for value in ("a", "b"):
        broker.produce("in", b"k", value.encode(), partition=0)
    sink.rows.append("a")  # meanwhile another instance took the partition and committed "a"
    sink.offsets[IN] = 2

    instance.step_until_idle()  # its batch "a", "b" is fenced off: nothing applied
    assert sink.rows == ["first", "a"]
    instance.step_until_idle()  # then it reads on from what the sink holds
    assert sink.rows == ["first", "a", "b"]  # "a" once (the other's), then "b" from where the sink said
    assert sink.offsets[IN] == 3 and broker.records("auction.dead-letter") == []


class Overtaker:
    """Another instance of the processor: from the offset the sink holds, it applies the next records and stores past them."""

    def __init__(self, broker, sink: MemorySink) -> None:
        self.broker, self.sink = broker, sink
        self.commits = 0

    def commit(self, count: int) -> None:
        start = self.sink.offsets.get(IN, 0)
        values = [value.decode() for value in self.broker.values("in", 0)][start:start + count]
        if values:
            self.sink.rows.extend(values)
            self.sink.offsets[IN] = start + len(values)
            self.commits += 1


class CountingSink(MemorySink):
    def __init__(self) -> None:
        super().__init__()
        self.fenced = 0

    def commit(self, results, offsets, expected=None):
        try:
            super().commit(results, offsets, expected)
        except OffsetsMoved:
            self.fenced += 1
            raise


STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("produce"), st.integers(1, 5)),
        st.tuples(st.just("step"), st.integers(1, 3)),
        st.tuples(st.just("overtake"), st.integers(1, 4)),  # between two of this instance's steps
        st.tuples(st.just("overtake while stalled"), st.integers(1, 4)),  # after it read a batch, before it commits
        st.tuples(st.just("reset"), st.just(0)),  # rows and offsets gone (a reset, a test's database flush)
    ),
    max_size=30,
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
def test_however_other_instances_and_resets_move_the_offsets_every_record_is_applied_once_and_the_instance_never_stalls(steps):
    """The fence refuses only a batch another instance's commit overtook (once per such commit), and the
    instance always reads on: a few steps after the last move it has applied everything up to the log end.
    Offsets that are gone are no one's commit: the instance stores them again from where it reads."""
    clock = MockedClock()
    broker = FakeBroker(clock)
    broker.create_topic(DEAD_LETTER_TOPIC, 1)
    broker.create_topic("in", 1)
    sink = CountingSink()
    other = Overtaker(broker, sink)
    stall: list[int] = []

    def handle(record, context):
        while stall:  # the instance stalls mid-batch; meanwhile the other one takes over and commits
            other.commit(stall.pop())
        return [record.value.decode()]

    processor = Processor(name="rows", inputs=["in"], handle=handle, sink=sink)
    instance = start_runner(broker, clock, processor, max_batch=3)
    try:
        broker.assign(instance.consumer, [IN])
        produced = resets = 0
        for kind, n in steps:
            if kind == "produce":
                for _ in range(n):
                    broker.produce("in", b"k", str(produced).encode(), partition=0)
                    produced += 1
            elif kind == "step":
                instance.step(n)
            elif kind == "overtake":
                other.commit(n)
            elif kind == "overtake while stalled":
                stall.append(n)
            else:
                sink.rows.clear()
                sink.offsets.clear()
                resets += 1
        stall.clear()
        broker.produce("in", b"k", str(produced).encode(), partition=0)  # one more, after the last move
        produced += 1
        for _ in range(3):  # no stall: a fenced step is followed by one from where the sink says
            instance.step_until_idle()

        # Once each, in order, up to the log end: all of them, or since a reset those from where it had read.
        first = int(sink.rows[0]) if resets else 0
        assert sink.rows == [str(n) for n in range(first, produced)]
        assert sink.offsets[IN] == produced
        assert sink.fenced <= other.commits, "fenced only by another instance's commit, once for each"
        assert broker.records(DEAD_LETTER_TOPIC) == []
    finally:
        instance.runner.close()
