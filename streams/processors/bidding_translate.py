"""Translation between event payloads and the bidding engine's own terms (pure, no I/O)."""
from streams import bidding
from streams.events import (
    AuctionClosed,
    AuctionExtended,
    AuctionState,
    BidAccepted,
    BidPlaced,
    BidRejected,
    BuyNowRequested,
    ItemListed,
)
from streams.money import Money, from_minor, to_minor


def terms_of(event: ItemListed) -> bidding.ItemTerms:
    return bidding.ItemTerms(
        item_id=event.item_id,
        seller_id=event.seller_id,
        **event.prices_in_minor_units(),
        ends_at=event.ends_at,
        extension_window_seconds=event.extension_window_seconds,
        extension_cap_seconds=event.extension_cap_seconds,
    )


def bid_of(event: BidPlaced) -> bidding.BidRequest:
    return bidding.BidRequest(
        bid_id=event.bid_id,
        item_id=event.item_id,
        bidder_id=event.bidder_id,
        bidder_name=event.bidder_name,
        amount=event.amount.minor,
        currency=event.amount.currency,
        placed_at=event.placed_at,
        max_amount=to_minor(event.max_amount),
    )


def buy_now_of(event: BuyNowRequested) -> bidding.BuyNowRequest:
    return bidding.BuyNowRequest(
        request_id=event.request_id,
        item_id=event.item_id,
        buyer_id=event.buyer_id,
        buyer_name=event.buyer_name,
        requested_at=event.requested_at,
    )


def public_state(view: bidding.PublicView, currency: str) -> AuctionState:
    return AuctionState(
        price=from_minor(view.price, currency),
        leader_id=view.leader_id,
        leader_name=view.leader_name,
        bid_count=view.bid_count,
        reserve_met=view.reserve_met,
        ends_at=view.ends_at,
        buy_now_available=view.buy_now_available,
        seq=view.seq,
    )


def accepted_event(bid: BidPlaced, decision: bidding.Accepted, decided_at) -> BidAccepted:
    return BidAccepted(
        **bid.bid_fields(),
        previous_leader_id=decision.previous_leader_id,
        state=public_state(decision.view, bid.amount.currency),
        decided_at=decided_at,
    )


def rejected_event(
    *, request_id: str, item_id: str, bidder_id: int, amount: Money | None, decision: bidding.Rejected,
    state: bidding.PrivateAuctionState | None, decided_at,
) -> BidRejected:
    currency = state.terms.currency if state else None
    return BidRejected(
        bid_id=request_id,
        item_id=item_id,
        bidder_id=bidder_id,
        amount=amount,
        reason_code=decision.reason_code.value,
        reason=decision.message,
        minimum=from_minor(decision.minimum, currency) if currency else None,
        state=public_state(bidding.public_view(state), currency) if state else None,
        decided_at=decided_at,
    )


def extended_event(fact: bidding.Extended) -> AuctionExtended:
    return AuctionExtended(
        item_id=fact.item_id, previous_ends_at=fact.previous_ends_at, ends_at=fact.ends_at, seq=fact.seq
    )


def closed_event(fact: bidding.Closed, currency: str) -> AuctionClosed:
    return AuctionClosed(
        item_id=fact.item_id,
        seller_id=fact.seller_id,
        outcome=fact.outcome.value,
        winner_id=fact.winner_id,
        winner_name=fact.winner_name,
        final_price=from_minor(fact.final_price, currency),
        high_bid=from_minor(fact.high_bid, currency),
        bid_count=fact.bid_count,
        closed_at=fact.closed_at,
        seq=fact.seq,
    )
