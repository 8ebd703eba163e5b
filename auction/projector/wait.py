"""Read-your-writes: wait, bounded, until the projection shows what a request just produced."""
import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings

T = TypeVar("T")
POLL_S = 0.02


def projected(lookup: Callable[[], T | None], *, timeout_s: float | None = None) -> T | None:
    """`lookup()`'s first non-None answer, or None once the timeout passes (the page shows "pending")."""
    deadline = time.monotonic() + (settings.AUCTION_READ_YOUR_WRITES_SECONDS if timeout_s is None else timeout_s)
    while (found := lookup()) is None and time.monotonic() < deadline:
        time.sleep(POLL_S)
    return found
