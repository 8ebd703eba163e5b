"""A generated history for "what if" runs: auctions listed over an hour of the past, bid on with proxies,
late bids that soft close extends, Buy It Now, and bids after the end. Made up front, deterministic."""
from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from streams.events import BidPlaced, BuyNowRequested, Event, ItemListed
from streams.money import Money


@dataclass(frozen=True)
class Timed:
    event: Event
    at: datetime
    """The record's timestamp (whole seconds: Kafka keeps milliseconds)."""


def _id(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def history(rng: random.Random, *, start: datetime, items: int) -> list[Timed]:
    """`items` auctions listed a minute apart from `start`, each 20–40 minutes long; events in time order."""
    timed: list[Timed] = []
    for n in range(items):
        listed_at = start + timedelta(minutes=n)
        ends_at = listed_at + timedelta(minutes=rng.randint(20, 40))
        starting = rng.choice((1_00, 5_00, 20_00, 90_00))
        reserve = starting * 3 if rng.random() < 0.25 else None
        buy_now = (reserve or starting) * 4 if rng.random() < 0.3 else None
        listing = ItemListed(
            item_id=_id(rng), seller_id=1, seller_name="seller", title=f"Lot {n}", description="", category="home",
            location="", starting_price=Money(minor=starting), reserve_price=None if reserve is None else Money(minor=reserve),
            buy_now_price=None if buy_now is None else Money(minor=buy_now), starts_at=listed_at, ends_at=ends_at,
            extension_window_seconds=rng.choice((0, 120, 300)), extension_cap_seconds=rng.choice((600, 1800)),
        )
        timed.append(Timed(listing, listed_at))
        offered = starting
        for _ in range(rng.randint(0, 14)):
            # most bids during the auction, some in its last minutes (soft close), a few after its end
            at = listed_at + timedelta(seconds=rng.randint(1, int((ends_at - listed_at).total_seconds()) + 240))
            amount = max(starting, offered + rng.choice((-50, 0, 25, 100, 300, 1_000, 2_500)))
            offered = max(offered, amount)
            maximum = amount + rng.choice((50, 130, 700, 4_000)) if rng.random() < 0.4 else None
            bidder = rng.randint(2, 9)
            timed.append(Timed(BidPlaced(
                bid_id=_id(rng), item_id=listing.item_id, bidder_id=bidder, bidder_name=f"bidder{bidder}",
                amount=Money(minor=amount), max_amount=None if maximum is None else Money(minor=maximum), placed_at=at,
            ), at))
        if buy_now is not None and rng.random() < 0.5:
            at = listed_at + timedelta(seconds=rng.randint(1, 900))
            timed.append(Timed(BuyNowRequested(
                request_id=_id(rng), item_id=listing.item_id, buyer_id=10, buyer_name="buyer", requested_at=at,
            ), at))
    return sorted(timed, key=lambda t: (t.at, not isinstance(t.event, ItemListed)))
