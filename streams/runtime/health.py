"""Whether a processor instance is alive and ready, as its supervisor and `/healthz` ask it.

- alive: its loop completed a step within `liveness_timeout_s`. A loop that stops stepping (a
  client hung in a group join, a call that never returns) is not alive, and `Watchdog` ends
  the process so its supervisor starts a fresh one.
- ready: alive, holding at least one task, and not stuck: fewer than `STUCK_ABORTS` transactions
  aborted in a row.

The runner reports what happens (`stepped`, `committed`, `aborted`, `held`); everything here is
read from other threads (the HTTP server, the watchdog), so it keeps plain values only.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from typing import Callable

log = logging.getLogger(__name__)

STUCK_ABORTS = 3
"""Aborts in a row from which an instance counts as stuck (not ready)."""
WATCHDOG_EXIT_CODE = 70


class Health:
    def __init__(
        self, processor: str, instance: str, liveness_timeout_s: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.processor, self.instance = processor, instance
        self.liveness_timeout_s = liveness_timeout_s
        self._clock = clock
        self._started = self._last_step = clock()
        self._last_commit: float | None = None
        self.aborts_in_a_row = 0
        self.tasks_held: tuple[int, ...] = ()
        self.partitions_held: tuple[str, ...] = ()
        self.task_count = 0
        self.lag: int | None = None
        self.dead_letters = 0

    def stepped(self) -> None:
        self._last_step = self._clock()

    def committed(self, dead_letters: int = 0) -> None:
        self._last_commit = self._clock()
        self.aborts_in_a_row = 0
        self.dead_letters += dead_letters

    def aborted(self) -> None:
        self.aborts_in_a_row += 1

    def held(self, partitions: list[tuple[str, int]], task_count: int) -> None:
        self.partitions_held = tuple(f"{topic}:{number}" for topic, number in sorted(partitions))
        self.tasks_held = tuple(sorted({number for _, number in partitions}))
        self.task_count = task_count

    def last_step_age_s(self) -> float:
        return self._clock() - self._last_step

    def alive(self) -> bool:
        return self.last_step_age_s() <= self.liveness_timeout_s

    def ready(self) -> bool:
        return self.alive() and bool(self.tasks_held) and self.aborts_in_a_row < STUCK_ABORTS

    def status(self) -> dict:
        now = self._clock()
        return {
            "processor": self.processor,
            "instance": self.instance,
            "alive": self.alive(),
            "ready": self.ready(),
            "uptime_s": round(now - self._started, 3),
            "last_step_age_s": round(now - self._last_step, 3),
            "partitions_held": list(self.partitions_held),
            "tasks_held": list(self.tasks_held),
            "task_count": self.task_count,
            "aborts_in_a_row": self.aborts_in_a_row,
            "last_commit_age_s": None if self._last_commit is None else round(now - self._last_commit, 3),
            "lag": self.lag,
            "dead_letters": self.dead_letters,
        }


class Watchdog(threading.Thread):
    """Ends the process (exit code 70) once its loop has not stepped for the liveness timeout."""

    def __init__(self, health: Health, exit: Callable[[int], None] = os._exit, interval_s: float = 1.0) -> None:
        super().__init__(name="watchdog", daemon=True)
        self._health, self._exit, self._interval_s = health, exit, interval_s
        self._stop = threading.Event()

    def run(self) -> None:
        while not self._stop.wait(self._interval_s):
            age = self._health.last_step_age_s()
            if age > self._health.liveness_timeout_s:
                log.critical("no step for %.0f s (liveness timeout %.0f s): exiting so a fresh process takes over",
                             age, self._health.liveness_timeout_s)
                logging.shutdown()
                self._exit(WATCHDOG_EXIT_CODE)
                return

    def stop(self) -> None:
        self._stop.set()
