"""When a task's timers may fire: once every input partition of the task is read past their time.

A timer stands for "nothing more can happen to this key before `at_ms`" (an auction's end). A
processor that is behind still has records stamped before `at_ms` in its backlog; firing on the
wall clock would judge them after the fact. So a task's time is its inputs' *stream time*, the
lowest of its input partitions' watermarks, each of which is:
- the timestamp of its next buffered record: every record stamped before it has been handled;
- the wall clock, when the partition is read to its end (nothing is waiting on the broker);
- else just past the last record handled from it, or nothing at all (no timer fires) when none
  has been handled yet: its backlog is unknown.
A timer fires when its time is below the task's watermark. Kafka Streams calls this
stream-time punctuation; it is what makes a close fair however far behind the processor is.
"""
from __future__ import annotations

from typing import Iterable


def partition_watermark(*, head_ms: int | None, caught_up: bool, last_handled_ms: int | None, now_ms: int) -> int | None:
    """Records of the partition stamped before the returned time have all been handled (None: unknown)."""
    if head_ms is not None:
        return head_ms
    if caught_up:
        return now_ms + 1
    return None if last_handled_ms is None else last_handled_ms + 1


def task_watermark(partition_watermarks: Iterable[int | None]) -> int | None:
    """The task's stream time: the lowest of its partitions' watermarks (None while any is unknown)."""
    lowest: int | None = None
    for watermark in partition_watermarks:
        if watermark is None:
            return None
        lowest = watermark if lowest is None else min(lowest, watermark)
    return lowest
