"""Read-your-writes: wait, bounded, until the projection shows what a request just produced."""
import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.db import connection

T = TypeVar("T")
POLL_S = 0.02


def projected(lookup: Callable[[], T | None], *, timeout_s: float | None = None) -> T | None:
    """`lookup()`'s first non-None answer, or None once the timeout passes (the page shows "pending").

    Between looks the database connection goes back to the pool (unless a transaction holds
    it), so requests waiting for the projector do not keep others from the database."""
    deadline = time.monotonic() + (settings.AUCTION_READ_YOUR_WRITES_SECONDS if timeout_s is None else timeout_s)
    while (found := lookup()) is None and time.monotonic() < deadline:
        if not connection.in_atomic_block:
            connection.close()
        time.sleep(POLL_S)
    return found
