"""Waiting on the condition itself, with a deadline: never a fixed sleep."""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def eventually(check: Callable[[], T], *, timeout_s: float, what: str, interval_s: float = 0.2) -> T:
    """Poll until `check()` is truthy and return it; fail naming `what` when it never is."""
    deadline = time.monotonic() + timeout_s
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")
        time.sleep(interval_s)
