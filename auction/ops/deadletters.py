"""Reading a dead letter: where the record came from, why it failed, and the original record to replay.

Pure and total: it never raises, whatever bytes arrive, because the dead-letters processor
must not dead-letter anything itself (its failures would land on the topic it reads).
"""
from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Iterable, Sequence

DLQ_PREFIX = "dlq."
Headers = Sequence[tuple[str, bytes]]


@dataclass(frozen=True)
class DeadLetterFact:
    """One dead letter, field for field a `DeadLetter` row (whose headers are stored as JSON)."""

    partition: int
    offset: int
    received_at: datetime
    processor: str
    origin_topic: str
    origin_partition: int | None
    origin_offset: int | None
    origin_timestamp: int | None
    """The original record's timestamp in ms (`dlq.timestamp`; older runtimes did not say)."""
    error_type: str
    error: str
    event_type: str
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...]
    """The original record's headers (the `dlq.*` ones removed)."""


def text(raw: bytes | None) -> str:
    """Header bytes as text PostgreSQL accepts (no NUL characters), whatever their encoding."""
    return "" if raw is None else raw.decode("utf-8", errors="replace").replace("\x00", "\ufffd")


def _number(raw: bytes | None) -> int | None:
    try:
        return int(text(raw))
    except ValueError:
        return None


def original_headers(headers: Iterable[tuple[str, bytes]]) -> tuple[tuple[str, bytes], ...]:
    return tuple((name, value) for name, value in headers if not name.startswith(DLQ_PREFIX))


def dead_letter_of(
    *, partition: int, offset: int, timestamp_ms: int, key: bytes | None, value: bytes | None, headers: Headers
) -> DeadLetterFact:
    found = {name: raw for name, raw in headers}
    return DeadLetterFact(
        partition=partition,
        offset=offset,
        received_at=datetime.fromtimestamp(timestamp_ms / 1000, tz=timezone.utc),
        processor=text(found.get("dlq.processor")) or "?",
        origin_topic=text(found.get("dlq.topic")),
        origin_partition=_number(found.get("dlq.partition")),
        origin_offset=_number(found.get("dlq.offset")),
        origin_timestamp=_number(found.get("dlq.timestamp")),
        error_type=text(found.get("dlq.error_type")) or "?",
        error=text(found.get("dlq.error")),
        event_type=text(found.get("ce_type")),
        key=key,
        value=value,
        headers=original_headers(headers),
    )


def headers_to_json(headers: Iterable[tuple[str, bytes]]) -> list[list[str]]:
    """Header values are bytes; JSON keeps them as base64 so nothing is lost on the way back."""
    return [[name, base64.b64encode(raw or b"").decode()] for name, raw in headers]


def headers_from_json(stored: Iterable[Sequence[str]]) -> list[tuple[str, bytes]]:
    return [(name, base64.b64decode(encoded)) for name, encoded in stored]
