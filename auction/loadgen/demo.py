"""The demo's background life over the HTTP API: `auction.loadgen.market` decides, this carries out.

Every second: put up the listings the market wants, let each bidder whose turn it is look at
their item (as themselves, so they see whether they lead) and carry out what they decide. Every
few seconds: pick up open items the market did not list (the seeded ones, people's own) with a
value guessed from their prices, and drop the ones that ended, logging how each closed.
"""
from __future__ import annotations

import argparse
import asyncio
import random
import time
from collections import Counter
from datetime import datetime
from decimal import Decimal

import httpx

from auction.loadgen.client import Api
from auction.loadgen.market import Bid, BuyNow, ItemView, Market, Persona, Tuning, cents_text, value_guess

REFRESH_SECONDS = 10


def cents(text: str | None) -> int | None:
    return None if text is None else int((Decimal(text) * 100).to_integral_value())


def epoch(moment: str) -> float:
    return datetime.fromisoformat(moment.replace("Z", "+00:00")).timestamp()


def item_view(item: dict) -> ItemView:
    """The market's view of an API item (`leader` is unmasked only when it is the viewer)."""
    return ItemView(
        item_id=str(item["id"]),
        open=item["status"] == "open" and item["minimum_bid"] is not None,
        minimum_bid=cents(item["minimum_bid"]) or 0,
        leader=item["leader"],
        ends_at=epoch(item["ends_at"]),
        buy_now_price=cents(item["buy_now_price"]),
        buy_now_available=bool(item["buy_now_available"]),
    )


class Demo:
    def __init__(self, market: Market, sellers: list[Api], bidders: dict[str, Api]) -> None:
        self.market = market
        self.sellers = sellers
        self.bidders = bidders
        self.outcomes: Counter[str] = Counter()
        self.titles: dict[str, str] = {}
        self.pending: set[asyncio.Task] = set()

    async def tick(self, now: float) -> None:
        for _ in range(self.market.listings_due(now)):
            await self._list(now)
        for persona in self.market.due(now):
            self._spawn(self._look(persona))
        self.pending = {task for task in self.pending if not task.done()}

    async def refresh(self, now: float) -> None:
        """Follow open items the market did not list; drop (and report) the ones that ended."""
        reader = next(iter(self.bidders.values()))
        open_items = {str(item["id"]): item for item in await reader.all_open_items()}
        for item_id, item in open_items.items():
            if item_id not in self.market.items:
                value = value_guess(cents(item["starting_price"]), None, cents(item["buy_now_price"]))
                self.titles[item_id] = item["title"]
                self.market.track(item_id, value=value, starts_at=now, ends_at=epoch(item["ends_at"]), seller=item["seller"])
        for item_id, tracked in list(self.market.items.items()):
            if item_id not in open_items and tracked.ends_at < now - REFRESH_SECONDS:
                self.market.forget(item_id)
                self._spawn(self._report_close(reader, item_id, tracked.value))

    async def drain(self) -> None:
        await asyncio.gather(*self.pending, return_exceptions=True)

    def _spawn(self, coroutine) -> None:
        self.pending.add(asyncio.create_task(coroutine))

    async def _list(self, now: float) -> None:
        listing = self.market.listing()
        seller = self.market.rng.choice(self.sellers)
        try:
            reply = await seller.list_item(listing.api_body())
        except httpx.HTTPError as exc:
            self.outcomes[f"listing failed: {type(exc).__name__}"] += 1
            return
        item_id = str(reply["id"])
        self.titles[item_id] = listing.title
        self.outcomes["listed"] += 1
        self.market.track(item_id, value=listing.value, starts_at=now, ends_at=now + listing.duration_seconds, seller=seller.username)

    async def _look(self, persona: Persona) -> None:
        api = self.bidders[persona.bidder]
        try:
            item = await api.item(persona.item_id)
            action = self.market.decide(persona, item_view(item), time.time())
            if isinstance(action, Bid):
                status, reply, _ = await api.bid(action.item_id, cents_text(action.amount), action.max_amount and cents_text(action.max_amount))
                self.outcomes[f"{persona.habit} bid {reply.get('status', f'http {status}')}"] += 1
            elif isinstance(action, BuyNow):
                self.outcomes[f"buy-now http {await api.buy_now(action.item_id)}"] += 1
        except httpx.HTTPStatusError as exc:
            if exc.response.status_code == 404:  # not projected yet, or gone: look again a little later
                persona.done = False
                self.market.reschedule(persona, time.time() + 5)
            self.outcomes[f"http {exc.response.status_code}"] += 1
        except httpx.HTTPError as exc:
            self.outcomes[type(exc).__name__] += 1

    async def _report_close(self, reader: Api, item_id: str, value: int) -> None:
        try:
            item = await reader.item(item_id)
        except httpx.HTTPError:
            return
        price = item["final_price"] or item["current_price"]
        self.outcomes[f"closed {item['outcome']}"] += 1
        print(
            f"closed {item['outcome']}: {item['title']!r} at {price or '–'} {item['currency']} "
            f"(value about {cents_text(value)}) after {item['bid_count']} bids",
            flush=True,
        )


async def run(options: argparse.Namespace) -> dict:
    rng = random.Random(options.seed)
    limits = httpx.Limits(max_connections=options.concurrency)
    async with httpx.AsyncClient(base_url=options.url, timeout=30, limits=limits) as http:
        sellers = [await Api.signed_up(http, "seller") for _ in range(options.sellers)]
        bidders = {api.username: api for api in [await Api.signed_up(http, "bidder") for _ in range(options.bidders)]}
        tuning = Tuning(listings_per_minute=options.listings_per_minute, max_open_items=options.max_open_items)
        demo = Demo(Market(rng, list(bidders), tuning), sellers, bidders)
        deadline = time.monotonic() + options.seconds if options.seconds else float("inf")
        next_refresh = 0.0
        while time.monotonic() < deadline:
            now = time.time()
            if now >= next_refresh:
                try:
                    await demo.refresh(now)
                except httpx.HTTPError as exc:
                    demo.outcomes[f"refresh failed: {type(exc).__name__}"] += 1
                next_refresh = now + REFRESH_SECONDS
            await demo.tick(now)
            await asyncio.sleep(1)
        await demo.drain()
    return {"outcomes": dict(demo.outcomes)}
