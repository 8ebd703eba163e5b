"""Small builders so each bidding test states only what matters to it."""
from dataclasses import replace
from datetime import datetime, timedelta, timezone

from streams.bidding import Accepted, PrivateAuctionState, BidRequest, BuyNowRequest, ItemTerms, open_auction, judge_bid

T0 = datetime(2030, 1, 1, 12, 0, tzinfo=timezone.utc)
END = T0 + timedelta(days=7)
SELLER = 1
ITEM = "item-1"


def terms(**overrides) -> ItemTerms:
    base = ItemTerms(item_id=ITEM, seller_id=SELLER, currency="EUR", starting_price=1_00, ends_at=END)
    return replace(base, **overrides)


def bid(bidder_id: int, amount: int, max_amount: int | None = None, *, currency: str = "EUR", at: datetime = T0) -> BidRequest:
    return BidRequest(
        bid_id=f"bid-{bidder_id}-{amount}-{max_amount}",
        item_id=ITEM,
        bidder_id=bidder_id,
        bidder_name=f"bidder {bidder_id}",
        amount=amount,
        currency=currency,
        placed_at=at,
        max_amount=max_amount,
    )


def buy_request(buyer_id: int, at: datetime = T0) -> BuyNowRequest:
    return BuyNowRequest(
        request_id=f"buy-{buyer_id}", item_id=ITEM, buyer_id=buyer_id, buyer_name=f"bidder {buyer_id}", requested_at=at
    )


def auction(*bids: BidRequest, now: datetime = T0, **term_overrides) -> PrivateAuctionState:
    """An auction after `bids`, each of which must be accepted (a test setup, not a test)."""
    state = open_auction(terms(**term_overrides))
    for each in bids:
        state, decision = judge_bid(state, each, now)
        assert isinstance(decision, Accepted), decision
    return state
