"""Structured logs: one JSON object per line, carrying the processor name and, when known, the event id.

The runtime sets `current_event_id` to the `ce_id` header of the record being handled, so a
handler's own log lines name the event without passing it around.
"""
from __future__ import annotations

import json
import logging
from contextvars import ContextVar
from datetime import datetime, timezone

current_event_id: ContextVar[bytes | None] = ContextVar("current_event_id", default=None)
"""The raw `ce_id` of the record being handled (decoded only when something is logged)."""

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def __init__(self, processor: str) -> None:
        super().__init__()
        self._processor = processor

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=timezone.utc).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "processor": self._processor,
            "message": record.getMessage(),
        }
        event_id = current_event_id.get()
        if event_id is not None:
            entry["event_id"] = event_id.decode(errors="replace")
        entry.update({key: value for key, value in vars(record).items() if key not in _STANDARD})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure(processor: str, level: int = logging.INFO) -> None:
    """Send every log record of this process to stderr as JSON."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter(processor))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("kafka").setLevel(logging.WARNING)
