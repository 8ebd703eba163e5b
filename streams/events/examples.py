"""One realistic instance of every event type, shown in the generated catalogue.

They are real model instances, so an example that drifts from its schema fails at import
rather than misleading a reader.
"""
from __future__ import annotations

from datetime import datetime, timezone

from streams.events.base import Event
from streams.events.bids import BidPlaced, BuyNowRequested
from streams.events.decisions import AuctionExtended, AuctionState, BidAccepted, BidRejected, RejectReason
from streams.events.items import AuctionCancelled, ItemListed
from streams.events.outcomes import AuctionClosed, Outcome
from streams.events.staff import AuctionEndRequested, AuctionExtensionRequested
from streams.money import Money

_ITEM = "5f0c6a52-3b1e-4c1a-9d55-0a8e2f6b7c01"
_BID = "9b2d7e44-61a0-4f7e-8c3b-2d1e0f9a8b7c"
_STARTS = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)
_ENDS = datetime(2025, 3, 8, 19, 0, tzinfo=timezone.utc)
_EXTENDED = datetime(2025, 3, 8, 19, 2, tzinfo=timezone.utc)
_ANAS_BID = dict(bid_id=_BID, item_id=_ITEM, bidder_id=17, bidder_name="Ana", amount=Money(minor=4200))
"""The bid the examples follow, as placed and then accepted (its `BidEvent` fields)."""
_STATE = AuctionState(
    price=Money(minor=4200),
    leader_id=17,
    leader_name="Ana",
    bid_count=5,
    reserve_met=True,
    ends_at=_EXTENDED,
    buy_now_available=False,
    seq=7,
)

EXAMPLES: dict[type[Event], Event] = {
    example.__class__: example
    for example in (
        ItemListed(
            item_id=_ITEM,
            seller_id=3,
            seller_name="Bruno",
            title="Bauhaus desk lamp",
            description="Brass and opal glass, 1930s, working.",
            category="lighting",
            image_urls=("https://img.example.org/lamp-1.jpg",),
            location="Berlin",
            starting_price=Money(minor=2000),
            reserve_price=Money(minor=4000),
            buy_now_price=Money(minor=9000),
            starts_at=_STARTS,
            ends_at=_ENDS,
        ),
        AuctionCancelled(item_id=_ITEM, reason="Item was damaged in storage", cancelled_by=None),
        AuctionEndRequested(item_id=_ITEM, reason="Seller sold the lamp elsewhere; bids stand", acted_by=2),
        AuctionExtensionRequested(
            item_id=_ITEM, ends_at=datetime(2025, 3, 9, 19, 0, tzinfo=timezone.utc), reason="Site outage on Saturday", acted_by=2
        ),
        BidPlaced(
            **_ANAS_BID,
            max_amount=Money(minor=5000),
            client_time=datetime(2025, 3, 8, 18, 59, 31, tzinfo=timezone.utc),
            placed_at=datetime(2025, 3, 8, 18, 59, 30, 412000, tzinfo=timezone.utc),
        ),
        BuyNowRequested(
            request_id="c4a1e0d2-7f3b-4e5a-b6c7-d8e9f0a1b2c3",
            item_id=_ITEM,
            buyer_id=21,
            buyer_name="Chen",
            requested_at=datetime(2025, 3, 2, 12, 0, tzinfo=timezone.utc),
        ),
        BidAccepted(
            **_ANAS_BID,
            previous_leader_id=21,
            state=_STATE,
            decided_at=datetime(2025, 3, 8, 18, 59, 30, 431000, tzinfo=timezone.utc),
        ),
        BidRejected(
            bid_id="0e6f1c2d-3a4b-4c5d-8e9f-a0b1c2d3e4f5",
            item_id=_ITEM,
            bidder_id=21,
            amount=Money(minor=4250),
            reason_code=RejectReason.BELOW_MINIMUM,
            reason="Bids must be at least 43.00 EUR",
            minimum=Money(minor=4300),
            state=_STATE,
            decided_at=datetime(2025, 3, 8, 18, 59, 45, tzinfo=timezone.utc),
        ),
        AuctionExtended(item_id=_ITEM, previous_ends_at=_ENDS, ends_at=_EXTENDED, seq=6),
        AuctionClosed(
            item_id=_ITEM,
            seller_id=3,
            outcome=Outcome.SOLD,
            winner_id=17,
            winner_name="Ana",
            final_price=Money(minor=4200),
            high_bid=Money(minor=4200),
            bid_count=5,
            closed_at=datetime(2025, 3, 8, 19, 2, 0, 120000, tzinfo=timezone.utc),
            seq=8,
        ),
    )
}
