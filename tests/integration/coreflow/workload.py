"""Auctions for the crash test and the bidding benchmark: many bids on a few items, made up in advance."""
import random
import uuid
from datetime import datetime

from auction.loadgen import workload
from streams.events import BidPlaced, Event, ItemListed
from streams.money import Money


def auction_workload(rng: random.Random, *, items: int, bids: int, now: datetime, ends_at: datetime) -> list[Event]:
    """Listings, then bids placed at `now` with a Nexmark-like skew (most on a few hot items).

    Each bidder offers around the highest amount offered so far, so bids race and many lose,
    and a third give a proxy maximum: the decisions are a mix of every kind. Prices grow about
    linearly, so a long run stays within the amounts the engine accepts."""
    listings = [
        ItemListed(
            item_id=str(uuid.UUID(int=rng.getrandbits(128))), seller_id=1, seller_name="seller", title="Lot",
            description="", category="collectibles", location="", starting_price=Money(minor=10_00, currency="EUR"),
            starts_at=now, ends_at=ends_at, extension_window_seconds=0,
        )
        for _ in range(items)
    ]
    ids = [listing.item_id for listing in listings]
    offered = dict.fromkeys(ids, 10_00)
    placed = []
    for n in range(bids):
        item_id = workload.pick_item(rng, ids)
        amount = max(10_00, offered[item_id] + rng.choice((-100, 0, 250, 500, 1000)))
        offered[item_id] = max(offered[item_id], amount)
        placed.append(
            BidPlaced(
                bid_id=str(uuid.UUID(int=rng.getrandbits(128))), item_id=item_id, bidder_id=2 + rng.randrange(500),
                bidder_name="bidder", amount=Money(minor=amount, currency="EUR"),
                max_amount=Money(minor=amount + rng.choice((100, 250, 500)), currency="EUR") if rng.random() < 1 / 3 else None,
                placed_at=now,
            )
        )
    return [*listings, *placed]
