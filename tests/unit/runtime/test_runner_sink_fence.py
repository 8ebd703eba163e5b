"""A sink processor that lost its partitions without knowing it applies nothing twice.

An instance that stalls past the session timeout loses its partitions to another, which reads
the offsets the sink holds and goes on. The stalled one still holds a batch from where it read;
its commit carries the offsets it read as the fence, finds the other's, applies nothing and
reads on from what the sink holds.
"""
import pytest
from kafka.structs import TopicPartition

from streams.runtime import Processor
from streams.runtime.sink import OffsetsMoved

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
