"""Merges co-partitioned inputs in timestamp order, as Kafka Streams' PartitionGroup does.

Records are buffered per input partition. For each partition number (a task: partition p of
every input topic) the next record is the head with the smallest timestamp, ties going to the
input declared first, so a join sees a listing before a bid stamped later, whichever topic the
consumer happened to fetch first. When one of a task's buffers is empty the task waits: as long
as that partition is known to have unfetched records (its lag), and otherwise for at most
`max_idle_ms` of wall-clock time, after which it goes on with the records it has. "Known" is the
runner's part: it asks the broker about the inputs a merge waits on (`awaited`), since the
consumer's own high watermark can be stale while a partition's leader is lost.

Out-of-band topics (a processor's retry topic: `streams.runtime.redelivery`) are buffered per task
too, but never merged nor waited for: their records are replays, out of order by nature, and go
first, as they come.
"""
from __future__ import annotations

from collections import deque
from typing import Callable, Iterable, Protocol, Sequence

from kafka.structs import TopicPartition


class Timestamped(Protocol):
    timestamp: int


Lagging = Callable[[TopicPartition], bool]
"""Whether a partition has records the consumer has not handed over yet (unknown counts as yes)."""


class InputSynchronizer:
    def __init__(self, topics: Sequence[str], max_idle_ms: int, out_of_band: Sequence[str] = ()) -> None:
        self._topics = (*topics, *out_of_band)
        self._merged = len(topics)
        """The first `_merged` queues of a task are merged; the rest are out of band."""
        self._max_idle_ms = max_idle_ms
        self._tasks: dict[int, tuple[deque, ...]] = {}
        self._blocked_since: dict[int, int] = {}
        self._rotation = 0

    def add(self, tp: TopicPartition, records: Iterable[Timestamped]) -> None:
        self._queues(tp.partition)[self._topics.index(tp.topic)].extend(records)

    def buffered(self, tp: TopicPartition) -> int:
        queues = self._tasks.get(tp.partition)
        return len(queues[self._topics.index(tp.topic)]) if queues else 0

    def head_timestamp(self, tp: TopicPartition) -> int | None:
        """The timestamp of the partition's next record, if one is buffered."""
        queues = self._tasks.get(tp.partition)
        queue = queues[self._topics.index(tp.topic)] if queues else None
        return queue[0].timestamp if queue else None

    def drop(self, partitions: Iterable[int]) -> None:
        """Forget what is buffered for these partition numbers (revoked, or being rewound)."""
        for partition in partitions:
            self._tasks.pop(partition, None)
            self._blocked_since.pop(partition, None)

    def clear(self) -> None:
        self.drop(list(self._tasks))

    def awaited(self) -> list[TopicPartition]:
        """The merged inputs a task's merge waits on: empty while another input of the same task holds records."""
        out = []
        for partition, queues in self._tasks.items():
            merged = queues[: self._merged]
            if any(merged) and not all(merged):
                out += [TopicPartition(self._topics[i], partition) for i, queue in enumerate(merged) if not queue]
        return out

    def waiting_until_ms(self) -> int | None:
        """When the first task held back for an idle, caught-up input goes on without it; None if none is."""
        if not self._blocked_since:
            return None
        return min(self._blocked_since.values()) + self._max_idle_ms

    def ready(self, now_ms: int, lagging: Lagging, limit: int) -> list:
        """Up to `limit` records that may be processed now, each task's in processing order."""
        out: list = []
        partitions = list(self._tasks)
        if not partitions:
            return out
        lagging = memoized(lagging)  # nothing is fetched during this call, so ask once per partition
        self._rotation = (self._rotation + 1) % len(partitions)
        for partition in partitions[self._rotation:] + partitions[: self._rotation]:
            if len(out) >= limit:
                break
            queues = self._tasks[partition]
            for queue in queues[self._merged:]:
                _take(queue, out, limit)
            if self._merged == 1:
                _take(queues[0], out, limit)
            else:
                self._merge(partition, queues[: self._merged], now_ms, lagging, out, limit)
        return out

    def _merge(
        self, partition: int, queues: tuple[deque, ...], now_ms: int, lagging: Lagging, out: list, limit: int
    ) -> None:
        while len(out) < limit:
            heads = [(queue[0].timestamp, index) for index, queue in enumerate(queues) if queue]
            if not heads:
                self._blocked_since.pop(partition, None)
                return
            if len(heads) < len(queues):
                empty = [TopicPartition(self._topics[i], partition) for i, queue in enumerate(queues) if not queue]
                if any(lagging(tp) for tp in empty):
                    return
                if now_ms - self._blocked_since.setdefault(partition, now_ms) < self._max_idle_ms:
                    return
            else:
                self._blocked_since.pop(partition, None)
            out.append(queues[min(heads)[1]].popleft())

    def _queues(self, partition: int) -> tuple[deque, ...]:
        queues = self._tasks.get(partition)
        if queues is None:
            queues = self._tasks[partition] = tuple(deque() for _ in self._topics)
        return queues


def memoized(lagging: Lagging) -> Lagging:
    """Ask once per partition (nothing is fetched while a step decides)."""
    answers: dict[TopicPartition, bool] = {}

    def ask(tp: TopicPartition) -> bool:
        if tp not in answers:
            answers[tp] = lagging(tp)
        return answers[tp]

    return ask


def _take(queue: deque, out: list, limit: int) -> None:
    room = limit - len(out)
    if len(queue) <= room:
        out.extend(queue)
        queue.clear()
    else:
        for _ in range(room):
            out.append(queue.popleft())
