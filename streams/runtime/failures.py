"""What the consumer loop does after a batch failed: wait and retry, or find the record that fails.

Two kinds of failure, told apart by `is_transient`:
- transient (a server unreachable, a serialization failure or deadlock, a broker error Kafka
  calls retriable): the same batch is retried after a growing pause, for as long as it takes.
  Nothing is dead-lettered, so nothing is lost when the server comes back.
- anything else is a property of the data. A batch that fails that way twice, from the same
  offsets with the same kind of error, is split: its records are applied one per transaction
  until the loop is past the batch, and a record that fails on its own is poisoned: on the next
  try it is dead-lettered with its error instead of applied, and the rest commit.

Pure bookkeeping (no clients, no clock of its own), so every path is unit-tested without a broker.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Mapping

from kafka.errors import KafkaError
from kafka.structs import TopicPartition

from streams.runtime.retry import TransientError

Offsets = Mapping[TopicPartition, int]

BACKOFF_INITIAL_S = 0.1
BACKOFF_MAX_S = 5.0


class PoisonedRecord(Exception):
    """Why a record is dead-lettered: applied on its own, it made the transaction fail."""

    def __init__(self, cause: BaseException) -> None:
        super().__init__(f"{type(cause).__name__}: {cause}")
        self.cause = cause


def is_transient(error: BaseException, sink_says: Callable[[BaseException], bool] | None = None) -> bool:
    """Whether trying the same work again later may succeed (looks through wrapping exceptions)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, TransientError):
            return True
        if isinstance(current, KafkaError) and current.retriable:
            return True
        if sink_says is not None and sink_says(current):
            return True
        current = current.__cause__ or current.__context__
    return False


@dataclass(frozen=True)
class _Attempt:
    starts: frozenset[tuple[TopicPartition, int]]
    error_type: str


class BatchFailures:
    def __init__(self) -> None:
        self.aborts_in_a_row = 0
        self._transient_in_a_row = 0
        self._last: _Attempt | None = None
        self._split_until: dict[TopicPartition, int] = {}
        self._poisoned: dict[tuple[TopicPartition, int], PoisonedRecord] = {}

    @property
    def splitting(self) -> bool:
        return bool(self._split_until)

    def batch_limit(self, usual: int) -> int:
        """How many records the next transaction may take: one while a failed batch is being split."""
        return 1 if self._split_until else usual

    def poisoned(self, tp: TopicPartition, offset: int) -> PoisonedRecord | None:
        return self._poisoned.get((tp, offset))

    def backoff_s(self) -> float:
        """The pause before the next attempt: growing while transient failures repeat, else none."""
        if not self._transient_in_a_row:
            return 0.0
        return min(BACKOFF_INITIAL_S * 2 ** (self._transient_in_a_row - 1), BACKOFF_MAX_S)

    def failed(
        self,
        records: Iterable[tuple[TopicPartition, int]],
        starts: Offsets,
        error: BaseException,
        *,
        transient: bool,
    ) -> None:
        """A transaction over `records` (topic partition, offset) aborted; `starts` are the offsets it began at."""
        self.aborts_in_a_row += 1
        if transient:
            self._transient_in_a_row += 1
            return
        self._transient_in_a_row = 0
        records = list(records)
        if not records:
            return  # timers alone: their handlers' errors are dead-lettered where they happen
        if self._split_until and len(records) == 1:
            tp, offset = records[0]
            self._poisoned[(tp, offset)] = PoisonedRecord(error)
            return
        attempt = _Attempt(frozenset(starts.items()), type(error).__name__)
        if attempt == self._last:
            for tp, offset in records:
                self._split_until[tp] = max(offset, self._split_until.get(tp, -1))
            self._last = None
        else:
            self._last = attempt

    def committed(self, offsets: Offsets) -> None:
        """A transaction committed: these are the next offsets to read."""
        self.aborts_in_a_row = 0
        self._transient_in_a_row = 0
        self._last = None
        for tp, next_offset in offsets.items():
            if self._split_until.get(tp, next_offset) < next_offset:
                del self._split_until[tp]
        self._poisoned = {
            (tp, offset): why for (tp, offset), why in self._poisoned.items() if offset >= offsets.get(tp, offset)
        }

    def forget(self, partitions: Iterable[TopicPartition]) -> None:
        """Partitions this instance no longer owns: their next owner finds out for itself."""
        gone = set(partitions)
        for tp in gone:
            self._split_until.pop(tp, None)
        self._poisoned = {key: why for key, why in self._poisoned.items() if key[0] not in gone}
        self._last = None
