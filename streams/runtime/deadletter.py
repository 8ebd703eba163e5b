"""Dead-letter records: the failed record unchanged, with where it came from and why it failed.

The original headers are kept and the `dlq.*` headers are added after them: dropping those gives
the original record back, which operators replay to the failed processor alone
(`dlq.processor`'s retry topic, `streams.runtime.redelivery`), saying where it was first read
(`dlq.topic`, `dlq.partition`, `dlq.offset`, `dlq.timestamp`).
"""
from __future__ import annotations

import json

from streams.runtime.processor import Emit, Headers
from streams.runtime.timers import Timer

MAX_ERROR_CHARS = 2000
"""Error texts (e.g. pydantic's) can be long; a header should stay small."""


def _error_headers(processor: str, error: BaseException) -> list[tuple[str, bytes]]:
    return [
        ("dlq.processor", processor.encode()),
        ("dlq.error", str(error)[:MAX_ERROR_CHARS].encode()),
        ("dlq.error_type", type(error).__name__.encode()),
    ]


def record_dead_letter(
    dead_letter_topic: str,
    processor: str,
    *,
    topic: str,
    partition: int,
    offset: int,
    key: bytes | None,
    value: bytes | None,
    headers: Headers,
    error: BaseException,
    timestamp_ms: int | None = None,
) -> Emit:
    origin = [
        ("dlq.topic", topic.encode()),
        ("dlq.partition", str(partition).encode()),
        ("dlq.offset", str(offset).encode()),
    ]
    if timestamp_ms is not None:
        origin.append(("dlq.timestamp", str(timestamp_ms).encode()))
    return Emit(dead_letter_topic, key, value, [*headers, *origin, *_error_headers(processor, error)])


def timer_dead_letter(dead_letter_topic: str, processor: str, partition: int, timer: Timer, error: BaseException) -> Emit:
    """A timer whose callback failed; its value holds what is needed to reschedule it."""
    value = json.dumps({"at_ms": timer.at_ms, "payload": timer.payload}).encode()
    origin = [("dlq.timer", b"1"), ("dlq.partition", str(partition).encode())]
    return Emit(dead_letter_topic, timer.key, value, [*origin, *_error_headers(processor, error)])
