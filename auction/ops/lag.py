"""Consumer lag per processor and partition, from offsets alone (pure; `overview` fetches the offsets).

A partition's position is what the processor committed (to Kafka, or to PostgreSQL with its
rows for a sink processor); one it never committed is read from the log start. The gap to the
end offset overstates lag on transactional topics (markers, aborted records), so a small gap is
replaced by a count of the records actually left, when the caller could probe for it.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kafka.structs import TopicPartition

PROBE_MAX_GAP = 50
"""Gaps up to this are probed; a larger one is real lag whatever a few markers add to it."""


@dataclass(frozen=True)
class PartitionLag:
    topic: str
    partition: int
    end: int
    committed: int | None
    lag: int


@dataclass(frozen=True)
class GroupLag:
    processor: str
    group: str
    threshold: int
    partitions: tuple[PartitionLag, ...]

    @property
    def total(self) -> int:
        return sum(row.lag for row in self.partitions)

    @property
    def over_threshold(self) -> bool:
        return self.total > self.threshold


def positions(
    starts: Mapping[TopicPartition, int], committed: Mapping[TopicPartition, int]
) -> dict[TopicPartition, int]:
    """Where the processor reads next: its committed offset, else the log start (it resets to earliest)."""
    return {tp: committed.get(tp, start) for tp, start in starts.items()}


def to_probe(position: Mapping[TopicPartition, int], ends: Mapping[TopicPartition, int]) -> dict[TopicPartition, int]:
    return {tp: at for tp, at in position.items() if 0 < ends[tp] - at <= PROBE_MAX_GAP}


def group_lag(
    *,
    processor: str,
    group: str,
    threshold: int,
    position: Mapping[TopicPartition, int],
    committed: Mapping[TopicPartition, int],
    ends: Mapping[TopicPartition, int],
    unread: Mapping[TopicPartition, int],
) -> GroupLag:
    rows = tuple(
        PartitionLag(
            topic=tp.topic,
            partition=tp.partition,
            end=ends[tp],
            committed=committed.get(tp),
            lag=unread.get(tp, max(0, ends[tp] - position[tp])),
        )
        for tp in sorted(position)
    )
    return GroupLag(processor=processor, group=group, threshold=threshold, partitions=rows)
