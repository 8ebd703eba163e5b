"""All a processor remembers for one partition number (a task): its stores and its timers.

Co-partitioned inputs share partition numbers, so partition p of every input topic, of every
changelog topic and the task's state move between instances together.
"""
from __future__ import annotations

from typing import Iterable

from streams.runtime.state import KeyValueStore
from streams.runtime.timers import TIMERS_STORE, TimerQueue


class TaskState:
    __slots__ = ("partition", "stores", "timers")

    def __init__(self, partition: int, store_names: Iterable[str]) -> None:
        self.partition = partition
        self.stores = {name: KeyValueStore(name, partition) for name in store_names}
        timers_store = self.stores.get(TIMERS_STORE)
        self.timers = TimerQueue(timers_store) if timers_store is not None else None

    def savepoint(self) -> dict[str, int]:
        return {name: store.savepoint() for name, store in self.stores.items()}

    def rollback(self, savepoint: dict[str, int] | None = None) -> None:
        """Undo writes since the savepoint, or since the last commit when none is given."""
        for name, store in self.stores.items():
            store.rollback(0 if savepoint is None else savepoint[name])
        if self.timers is not None:
            self.timers.rebuild()

    def mark_committed(self) -> None:
        for store in self.stores.values():
            store.mark_committed()

    def restored(self) -> None:
        """Call after loading the stores from their changelogs."""
        if self.timers is not None:
            self.timers.rebuild()
