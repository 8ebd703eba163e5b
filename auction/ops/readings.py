"""The previous reading of each series, so a figure can cover the time since the page last asked.

The ops page polls every few seconds; rates and recent latencies are the change between two
polls. Readings live in this process's memory: enough for the operators' pages of one web
process, and nothing to store or expire.
"""
from __future__ import annotations

import threading
from typing import Any


class LastReadings:
    def __init__(self) -> None:
        self._last: dict[str, Any] = {}
        self._lock = threading.Lock()

    def swap(self, series: str, reading: Any) -> Any | None:
        """Keep `reading` as the series' latest and return the one it replaces (None the first time)."""
        with self._lock:
            previous, self._last[series] = self._last.get(series), reading
        return previous
