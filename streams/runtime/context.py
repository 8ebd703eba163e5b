"""What a handler may use while it handles one record or timer: its partition's state, timers, clock."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Callable

from streams.runtime.state import KeyValueStore
from streams.runtime.tasks import TaskState
from streams.runtime.timers import TimerQueue

Clock = Callable[[], float]
"""Seconds since the epoch; injectable so tests can move time."""

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MS = timedelta(milliseconds=1)


def to_ms(moment: datetime) -> int:
    """Milliseconds since the epoch, exactly (floored; no float rounding), as timers and record timestamps count."""
    return (moment - EPOCH) // _MS


def from_ms(ms: int) -> datetime:
    return EPOCH + ms * _MS


class Context:
    __slots__ = ("_task", "_clock", "processor")

    def __init__(self, processor: str, clock: Clock) -> None:
        self.processor = processor
        self._clock = clock
        self._task: TaskState | None = None

    def bind(self, task: TaskState) -> Context:
        self._task = task
        return self

    @property
    def partition(self) -> int:
        return self._task.partition

    def state(self, store: str) -> KeyValueStore:
        """The named store's values for the partition being handled."""
        try:
            return self._task.stores[store]
        except KeyError:
            raise KeyError(f"processor {self.processor} declares no store {store!r}") from None

    def schedule(self, key: str, at: datetime, payload: Any = None) -> None:
        """Have `on_timer` called for `key` once the clock reaches `at`; replaces the key's timer.

        The payload is stored in the timers' changelog, so it must be JSON-serializable."""
        self._timers().schedule(key, to_ms(at), payload)

    def cancel(self, key: str) -> None:
        self._timers().cancel(key)

    def now(self) -> datetime:
        return datetime.fromtimestamp(self._clock(), tz=timezone.utc)

    def _timers(self) -> TimerQueue:
        if self._task.timers is None:
            raise RuntimeError(f"processor {self.processor} has no on_timer, so it cannot schedule timers")
        return self._task.timers
