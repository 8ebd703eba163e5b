"""Driving the site over HTTP from a test: the load generator's client, run in an event loop of its own."""
import asyncio
import time
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import httpx

from auction.loadgen.client import Api

LISTED_TIMEOUT_S = 30
T = TypeVar("T")


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run` in a thread of its own: Playwright's sync API keeps an event loop running in the
    test thread for the rest of the session once a browser test has run."""
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(asyncio.run, coroutine).result()


async def listed_item(seller: Api, listing: dict) -> dict:
    """List through the API and return the item as the API shows it, waiting if the projector lags behind."""
    item = await seller.list_item(listing)
    deadline = time.monotonic() + LISTED_TIMEOUT_S
    while item.get("status") == "pending":
        assert time.monotonic() < deadline, f"the listing was not projected in {LISTED_TIMEOUT_S} s"
        await asyncio.sleep(0.2)
        try:
            item = await seller.item(item["id"])
        except httpx.HTTPStatusError:
            pass
    return item
