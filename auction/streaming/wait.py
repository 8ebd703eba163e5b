"""Read-your-writes: wait, bounded, until the projection shows what a request just produced.

The waiter sleeps until the projector announces the key it waits for (`announcements`), then
reads. Should that announcement not come (Redis away, the projector announcing to another
Redis), it still looks by itself every `FALLBACK_LOOK_S` until the timeout, so an answer never
depends on the announcement, only its speed does.
"""
import asyncio
import time
from collections.abc import Callable
from typing import TypeVar

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connection

from auction.streaming.announcements import Keys, board

T = TypeVar("T")
FALLBACK_LOOK_S = 0.5


def _timeout(timeout_s: float | None) -> float:
    return settings.AUCTION_READ_YOUR_WRITES_SECONDS if timeout_s is None else timeout_s


def projected(lookup: Callable[[], T | None], *, keys: Keys, timeout_s: float | None = None) -> T | None:
    """`lookup()`'s answer once the projector announced one of `keys` (or it shows anyway), None after the timeout.

    While it waits, the database connection goes back to the pool (unless a transaction holds it)."""
    deadline = time.monotonic() + _timeout(timeout_s)
    announced = False
    while True:
        wait_s = max(0.0, min(FALLBACK_LOOK_S, deadline - time.monotonic()))
        if announced:  # announced, and yet not readable: look again a little later
            time.sleep(wait_s)
        else:
            announced = board().announced_sync(keys, timeout_s=wait_s)
        if (found := lookup()) is not None or time.monotonic() >= deadline:
            return found
        if not connection.in_atomic_block:
            connection.close()


async def projected_async(
    lookup: Callable[[], T | None],
    *,
    keys: Keys,
    timeout_s: float | None = None,
    from_news: Callable[[object], T | None] | None = None,
) -> T | None:
    """`projected` for async views: the wait holds no thread; `lookup` runs in Django's sync thread.

    `from_news`, if given, is first offered the news announced with the key (in the event loop: it
    must not touch the database); what it returns is the answer, without `lookup`; None: `lookup` it is."""
    deadline = time.monotonic() + _timeout(timeout_s)
    look = sync_to_async(lookup)
    announced = False
    while True:
        wait_s = max(0.0, min(FALLBACK_LOOK_S, deadline - time.monotonic()))
        if announced:
            await asyncio.sleep(wait_s)
        else:
            announced, news = await board().news(keys, timeout_s=wait_s)
            if news is not None and from_news is not None and (found := from_news(news)) is not None:
                return found
        if (found := await look()) is not None or time.monotonic() >= deadline:
            return found
