"""Bounded retries with exponential back-off, only for errors a handler marks as transient.

Anything else a handler raises is a property of the record, so retrying cannot help: it goes
straight to the dead-letter topic. A transient error that outlives its retries goes there too,
so one stuck record never stops the processor.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Iterator, TypeVar

T = TypeVar("T")


class TransientError(Exception):
    """Raised by a handler when trying the same record again later may succeed."""


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 3
    """How many times a record is tried in total (1 = no retries)."""
    initial_backoff_s: float = 0.05
    multiplier: float = 2.0
    max_backoff_s: float = 1.0

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("a record must be tried at least once")

    def backoffs(self) -> Iterator[float]:
        """The pauses between consecutive attempts (one fewer than the attempts)."""
        delay = self.initial_backoff_s
        for _ in range(self.attempts - 1):
            yield min(delay, self.max_backoff_s)
            delay *= self.multiplier


def call_with_retries(attempt: Callable[[], T], policy: RetryPolicy, sleep: Callable[[float], None] = time.sleep) -> T:
    """Call `attempt` until it returns, retrying `TransientError`s; the last error propagates.

    The first try is a plain call: this runs for every record a processor handles."""
    try:
        return attempt()
    except TransientError:
        pauses = list(policy.backoffs())
        if not pauses:
            raise
    for retry, pause in enumerate(pauses, 1):
        sleep(pause)
        try:
            return attempt()
        except TransientError:
            if retry == len(pauses):
                raise
    raise AssertionError("unreachable: the last retry returns or raises")
