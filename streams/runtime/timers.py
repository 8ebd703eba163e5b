"""Timers of one partition: kept in a changelogged store, so they survive crashes and rebalances.

The store is the truth (one timer per key; scheduling again replaces it). A heap over it answers
"what is due next" cheaply; heap entries whose timer was replaced or cancelled are skipped when
they surface, and the heap is rebuilt from the store whenever the store is restored or rolled back.
"""
from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import Any

from streams.runtime.state import KeyValueStore

TIMERS_STORE = "timers"
"""The internal store holding timers; processors cannot declare a store with this name."""


@dataclass(frozen=True, slots=True)
class Timer:
    """A callback a handler asked for: `on_timer` runs for `key` once the clock reaches `at_ms`."""

    key: str
    at_ms: int
    payload: Any


class TimerQueue:
    __slots__ = ("store", "_heap")

    def __init__(self, store: KeyValueStore) -> None:
        self.store = store
        self._heap: list[tuple[int, str]] = []
        self.rebuild()

    def rebuild(self) -> None:
        self._heap = [(entry["at"], key) for key, entry in self.store.items()]
        heapq.heapify(self._heap)

    def schedule(self, key: str, at_ms: int, payload: Any = None) -> None:
        self.store.set(key, {"at": at_ms, "payload": payload})
        heapq.heappush(self._heap, (at_ms, key))

    def cancel(self, key: str) -> None:
        self.store.delete(key)

    def next_due_ms(self) -> int | None:
        self._drop_stale_head()
        return self._heap[0][0] if self._heap else None

    def pop_due(self, now_ms: int) -> Timer | None:
        """Remove and return the earliest timer due at `now_ms`, if any (the removal is journaled)."""
        self._drop_stale_head()
        if not self._heap or self._heap[0][0] > now_ms:
            return None
        at_ms, key = heapq.heappop(self._heap)
        entry = self.store.get(key)
        self.store.delete(key)
        return Timer(key=key, at_ms=at_ms, payload=entry["payload"])

    def _drop_stale_head(self) -> None:
        heap, store = self._heap, self.store
        while heap:
            at_ms, key = heap[0]
            entry = store.get(key)
            if entry is not None and entry["at"] == at_ms:
                return
            heapq.heappop(heap)
