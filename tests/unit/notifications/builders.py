"""Events and item facts for the notification rules' tests."""
from datetime import datetime, timedelta, timezone

from auction.notifications.audience import ItemFacts
from streams.events import AuctionClosed, AuctionState, BidAccepted, Outcome
from streams.money import Money

ITEM = "5f0c6a52-3b1e-4c1a-9d55-0a8e2f6b7c01"
SELLER = 1
T0 = datetime(2025, 3, 8, 19, 0, tzinfo=timezone.utc)
FACTS = ItemFacts(
    item_id=ITEM, seller_id=SELLER, seller_name="Bruno", title="Desk lamp", image_url="/media/items/lamp.jpg", currency="EUR"
)


def closed(outcome: Outcome, *, winner: int | None = None, final: int | None = None, high: int | None = None, bids: int = 0) -> AuctionClosed:
    has_winner = outcome in (Outcome.SOLD, Outcome.BOUGHT_NOW)
    return AuctionClosed(
        item_id=ITEM,
        seller_id=SELLER,
        outcome=outcome,
        winner_id=winner if has_winner else None,
        winner_name=f"person {winner}" if has_winner else None,
        final_price=Money(minor=final) if has_winner else None,
        high_bid=None if high is None else Money(minor=high),
        bid_count=bids,
        closed_at=T0,
        seq=9,
    )


def accepted(*, bidder: int, amount: int, previous_leader: int | None, leader: int, at: datetime = T0) -> BidAccepted:
    return BidAccepted(
        bid_id="9b2d7e44-61a0-4f7e-8c3b-2d1e0f9a8b7c",
        item_id=ITEM,
        bidder_id=bidder,
        bidder_name=f"person {bidder}",
        amount=Money(minor=amount),
        previous_leader_id=previous_leader,
        state=AuctionState(
            price=Money(minor=amount),
            leader_id=leader,
            leader_name=f"person {leader}",
            bid_count=3,
            reserve_met=None,
            ends_at=T0 + timedelta(hours=1),
            buy_now_available=False,
            seq=4,
        ),
        decided_at=at,
    )
