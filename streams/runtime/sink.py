"""The contract for processors whose output is a database write rather than a topic.

Exactly-once into a database works by storing the consumed offsets in the same database
transaction as the rows: after a crash the runtime seeks to what the database says it has,
so a batch is either fully applied with its offsets or not at all. The runtime stays
database-agnostic; the projector and analytics implement this over PostgreSQL.
"""
from __future__ import annotations

from typing import Any, Collection, Mapping, Protocol, Sequence

from kafka.structs import TopicPartition


class OffsetsMoved(Exception):
    """The sink's stored offsets are not where this instance left them: another instance owns the partitions now."""


class TransactionalSink(Protocol):
    def load_offsets(self, partitions: Collection[TopicPartition]) -> Mapping[TopicPartition, int]:
        """The next offset to read for each partition the sink has seen; others start from the beginning."""

    def commit(
        self, results: Sequence[Any], offsets: Mapping[TopicPartition, int],
        expected: Mapping[TopicPartition, int | None] | None = None,
    ) -> None:
        """Apply a batch's handler results and store `offsets` (next offset to read) in ONE transaction.

        `expected`: the offsets this instance read or last stored for those partitions (None: none
        stored). A sink that can, fences: when what it holds differs, another instance has taken
        the partitions and committed meanwhile (a handover this one has not heard of yet), so it
        applies nothing and raises `OffsetsMoved`."""

    # Optional: `renamed(name) -> TransactionalSink`, the same sink for the processor under another
    # name. A sink that keeps something under its processor's name (a database keeping offsets per
    # consumer) returns a copy keeping it under `name`; `Processor.renamed` calls it, so a renamed
    # processor (`streams.runtime.run.isolated`) never shares that with the original.
    #
    # Optional: `is_transient(error) -> bool`, whether an error of the sink's (its database away,
    # a serialization failure, a deadlock) may go away by itself. The runner retries the batch
    # after a pause for those, and never dead-letters a record because of one; any other
    # error that repeats is taken to be the data's fault (see `streams.runtime.failures`).
