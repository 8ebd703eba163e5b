"""A dead letter replayed to the processor that failed it, and to no other: through its retry topic.

Replaying a dead letter to its original topic would hand it to every processor reading that
topic, not only the one that failed it. So a replay goes to the failed processor's retry topic
(`streams.topics.retry_topic`), which only that processor reads (the runtime adds it to its
subscriptions, `Processor.subscriptions`):

- `redelivery` is what to produce there: the original record (key, value, headers) unchanged,
  at the partition number it was read from, with where it was first read in `retry.*` headers.
  The retry topic has as many partitions as the processor's inputs (the preflight sees to it),
  so the record comes back to the task (and state) of its item;
- `as_first_read` is what the runner makes of a record it reads there: the record as it was
  first read (topic, partition, offset, timestamp and headers of the original), so the handler
  decides exactly as it would have, and a record that fails again is dead-lettered as the
  original was. A record there that does not say where it came from is refused
  (`NotARedelivery`), and dead-lettered as it is.

Offsets, stream time and timers stay the retry topic's own: the runner commits the retry
record's offset, and a replay moves no timer (it is, by nature, out of order).
"""
from __future__ import annotations

from typing import Any, NamedTuple

from streams.runtime.processor import Headers, Processor

ORIGIN_TOPIC = "retry.topic"
ORIGIN_PARTITION = "retry.partition"
ORIGIN_OFFSET = "retry.offset"
ORIGIN_TIMESTAMP = "retry.timestamp"
PREFIX = "retry."


class Redelivery(NamedTuple):
    """A record to produce to a retry topic (at `partition`, with `key`, `value` and `headers`)."""

    topic: str
    partition: int
    key: bytes | None
    value: bytes | None
    headers: list[tuple[str, bytes]]


class FirstRead(NamedTuple):
    """A retry record as the original was first read (the attributes of a consumed record the runner uses)."""

    topic: str
    partition: int
    offset: int
    timestamp: int
    key: bytes | None
    value: bytes | None
    headers: list[tuple[str, bytes]]


class NotARedelivery(ValueError):
    """A record on a retry topic that does not say where it was first read, or says it wrongly."""


def redelivery(
    retry_topic: str,
    *,
    topic: str,
    partition: int,
    offset: int,
    timestamp_ms: int | None,
    key: bytes | None,
    value: bytes | None,
    headers: Headers,
) -> Redelivery:
    """The original record (first read at `topic`, `partition`, `offset`), to replay through `retry_topic`.

    `timestamp_ms` is the original's, when known (dead letters of older runtimes do not carry it):
    without it the handler sees the retry record's own timestamp."""
    origin = [
        (ORIGIN_TOPIC, topic.encode()),
        (ORIGIN_PARTITION, str(partition).encode()),
        (ORIGIN_OFFSET, str(offset).encode()),
    ]
    if timestamp_ms is not None:
        origin.append((ORIGIN_TIMESTAMP, str(timestamp_ms).encode()))
    kept = [(name, raw) for name, raw in headers if not name.startswith(PREFIX)]
    return Redelivery(retry_topic, partition, key, value, [*kept, *origin])


def out_of_band(processor: Processor) -> tuple[str, ...]:
    """What the runtime reads beside the merged inputs (`InputSynchronizer`): the retry topic, if any."""
    return () if processor.retry_topic is None else (processor.retry_topic,)


def _missing(name: str) -> NotARedelivery:
    return NotARedelivery(f"a record on a retry topic needs the header {name} (where it was first read)")


def _number(found: dict[str, bytes], name: str) -> int:
    raw = found.get(name)
    if raw is None:
        raise _missing(name)
    try:
        return int(raw.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        raise NotARedelivery(f"header {name} is not a number: {raw[:40]!r}") from None


def as_first_read(raw: Any) -> FirstRead:
    """The retry record `raw` (a consumed record) as its original was first read."""
    found = {name: value for name, value in raw.headers or () if name.startswith(PREFIX)}
    topic = found.get(ORIGIN_TOPIC)
    if not topic:
        raise _missing(ORIGIN_TOPIC)
    try:
        origin_topic = topic.decode()
    except UnicodeDecodeError:
        raise NotARedelivery(f"header {ORIGIN_TOPIC} is not text: {topic[:40]!r}") from None
    partition, offset = _number(found, ORIGIN_PARTITION), _number(found, ORIGIN_OFFSET)
    if partition != raw.partition:
        raise NotARedelivery(
            f"replayed to partition {raw.partition} of {raw.topic}, but first read from partition {partition} of "
            f"{origin_topic}: its item's task is that partition's"
        )
    timestamp = _number(found, ORIGIN_TIMESTAMP) if ORIGIN_TIMESTAMP in found else raw.timestamp
    headers = [(name, value) for name, value in raw.headers or () if not name.startswith(PREFIX)]
    return FirstRead(origin_topic, partition, offset, timestamp, raw.key, raw.value, headers)
