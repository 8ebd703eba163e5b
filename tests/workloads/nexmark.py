"""A Nexmark-like auction workload: many bids on a few hot items, a few categories, some shills.

Bids go through the real bidding engine, so the decisions, extensions and closes are exactly
what the bidding processor would emit for them, in the order it would emit them. Everything
derives from the seed, ids included, so a workload can be generated again identically.
Events come out lazily, in event-time order, so a million of them never sit in memory.
"""
from __future__ import annotations

import heapq
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from streams import bidding
from streams.events import BidPlaced, Event, ItemListed
from streams.money import Money
from streams.processors import bidding_translate as tr
from streams.topics import topic_for

START = datetime(2030, 1, 1, 12, 0, tzinfo=timezone.utc)
CURRENCY = "EUR"


@dataclass(frozen=True)
class Shape:
    items: int = 40
    bids: int = 2_000
    categories: tuple[str, ...] = ("art", "books", "music")
    sellers: int = 8
    bidders: int = 60
    hot_items: int = 3
    hot_share: float = 0.7
    """Share of bids that go to the hot items (Nexmark's skew)."""
    shills: int = 2
    """Bidders who only bid on one seller's items, at the minimum, so they rarely win."""
    cold_every: int = 10
    """Every so many items gets no bids at all."""
    buy_now_chance: float = 0.3
    """Chance that a bid on an item with a buy-now price and no bids yet is a buy-now request instead."""
    span: timedelta = timedelta(minutes=20)
    start: datetime = START
    seed: int = 7


@dataclass(frozen=True, slots=True)
class Entry:
    """One record of the generated log: what a producer would send, with its CloudEvents id and time."""

    topic: str
    event: Event
    event_id: str
    time: datetime


class _Auctions:
    def __init__(self, shape: Shape) -> None:
        self.shape = shape
        self.rng = random.Random(shape.seed)
        self.states: dict[str, bidding.PrivateAuctionState] = {}
        self.listings: dict[str, ItemListed] = {}
        self.ends: list[tuple[datetime, str]] = []
        self.open: list[str] = []
        """Items open for bids, cold ones left out; removal swaps with the last, so it is O(1)."""
        self.position: dict[str, int] = {}

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def entry(self, event: Event, at: datetime) -> Entry:
        return Entry(topic_for(type(event)).name, event, self.uuid(), at)

    def list_item(self, number: int, at: datetime) -> Entry:
        rng, shape = self.rng, self.shape
        starting = rng.randint(5, 200) * 100
        reserve = starting * rng.randint(2, 4) if rng.random() < 0.3 else None
        buy_now = max(starting, reserve or 0) * rng.randint(3, 6) if rng.random() < 0.2 else None
        lasting = shape.span * rng.uniform(0.3, 0.8)
        listing = ItemListed(
            item_id=self.uuid(),
            seller_id=1 + number % shape.sellers,
            seller_name=f"seller{1 + number % shape.sellers}",
            title=f"Lot {number}",
            description="generated",
            category=shape.categories[number % len(shape.categories)],
            location="Nowhere",
            starting_price=Money(minor=starting, currency=CURRENCY),
            reserve_price=None if reserve is None else Money(minor=reserve, currency=CURRENCY),
            buy_now_price=None if buy_now is None else Money(minor=buy_now, currency=CURRENCY),
            starts_at=at,
            ends_at=at + lasting,
            extension_window_seconds=60,
            extension_cap_seconds=300,
        )
        self.listings[listing.item_id] = listing
        self.states[listing.item_id] = bidding.open_auction(tr.terms_of(listing))
        heapq.heappush(self.ends, (listing.ends_at, listing.item_id))
        if number % shape.cold_every != shape.cold_every - 1:
            self.position[listing.item_id] = len(self.open)
            self.open.append(listing.item_id)
        return self.entry(listing, at)

    def _closed(self, item_id: str, state: bidding.PrivateAuctionState) -> None:
        self.states[item_id] = state
        index = self.position.pop(item_id, None)
        if index is not None:
            last = self.open.pop()
            if last != item_id:
                self.open[index] = last
                self.position[last] = index

    def close_due(self, now: datetime) -> Iterator[Entry]:
        while self.ends and self.ends[0][0] <= now:
            ends_at, item_id = heapq.heappop(self.ends)
            state, closed = bidding.close(self.states[item_id], ends_at)
            if closed is None:
                if state.status is bidding.Status.OPEN:
                    heapq.heappush(self.ends, (state.ends_at, item_id))
                continue
            self._closed(item_id, state)
            yield self.entry(tr.closed_event(closed, CURRENCY), ends_at)

    def bid(self, item_id: str, bidder_id: int, shill: bool, now: datetime) -> Iterator[Entry]:
        rng, state = self.rng, self.states[item_id]
        minimum = bidding.minimum_next_bid(state.terms.starting_price, state.price)
        if not shill and state.buy_now_available and rng.random() < self.shape.buy_now_chance:
            request = bidding.BuyNowRequest(self.uuid(), item_id, bidder_id, f"bidder{bidder_id}", now)
            new_state, decision = bidding.buy_now(state, request, now)
            self._closed(item_id, new_state)
            yield self.entry(tr.closed_event(decision, CURRENCY), now)
            return
        amount = minimum if shill else minimum + rng.randint(0, 3) * 100
        ceiling = None if shill or rng.random() < 0.6 else amount + rng.randint(1, 20) * 100
        request = bidding.BidRequest(self.uuid(), item_id, bidder_id, f"bidder{bidder_id}", amount, CURRENCY, now, ceiling)
        new_state, decision = bidding.judge_bid(state, request, now)
        if isinstance(decision, bidding.Rejected):
            return
        self.states[item_id] = new_state
        placed = _placed(request)
        yield self.entry(tr.accepted_event(placed, decision, now), now)
        if decision.extended is not None:
            heapq.heappush(self.ends, (decision.extended.ends_at, item_id))
            yield self.entry(tr.extended_event(decision.extended), now)


def _placed(request: bidding.BidRequest) -> BidPlaced:
    return BidPlaced(
        bid_id=request.bid_id,
        item_id=request.item_id,
        bidder_id=request.bidder_id,
        bidder_name=request.bidder_name,
        amount=Money(minor=request.amount, currency=request.currency),
        max_amount=None if request.max_amount is None else Money(minor=request.max_amount, currency=request.currency),
        placed_at=request.placed_at,
    )


def generate(shape: Shape = Shape()) -> Iterator[Entry]:
    """The workload's log in event-time order: listings, bid decisions, extensions and closes."""
    auctions = _Auctions(shape)
    rng = auctions.rng
    listing_span = shape.span * 0.5
    listed_at = sorted(shape.start + listing_span * rng.random() for _ in range(shape.items))
    bid_times = sorted(shape.start + shape.span * rng.random() for _ in range(shape.bids))
    hot: list[str] = []
    shill_sellers = {shape.sellers + shape.bidders + 1 + n: 1 + n % shape.sellers for n in range(shape.shills)}
    next_listing = 0
    for now in bid_times:
        while next_listing < shape.items and listed_at[next_listing] <= now:
            entry = auctions.list_item(next_listing, listed_at[next_listing])
            hot = [item for item in hot if item in auctions.position]
            if len(hot) < shape.hot_items and entry.event.item_id in auctions.position:
                hot.append(entry.event.item_id)
            next_listing += 1
            yield from auctions.close_due(entry.time)
            yield entry
        yield from auctions.close_due(now)
        open_items = auctions.open
        if not open_items:
            continue
        shill = rng.randrange(shape.bidders + shape.shills) >= shape.bidders
        if shill:
            bidder_id = rng.choice(list(shill_sellers))
            tries = (rng.choice(open_items) for _ in range(30))
            item_id = next((item for item in tries if auctions.listings[item].seller_id == shill_sellers[bidder_id]), None)
            if item_id is None:
                continue
        else:
            bidder_id = shape.sellers + 1 + rng.randrange(shape.bidders)
            open_hot = [item for item in hot if item in auctions.position]
            item_id = rng.choice(open_hot) if open_hot and rng.random() < shape.hot_share else rng.choice(open_items)
        yield from auctions.bid(item_id, bidder_id, shill, now)
    while next_listing < shape.items:
        entry = auctions.list_item(next_listing, listed_at[next_listing])
        next_listing += 1
        yield entry
    yield from auctions.close_due(datetime.max.replace(tzinfo=timezone.utc))
