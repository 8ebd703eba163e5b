"""Why a request cannot be accepted, in words a bidder understands.

Checks run from the most fundamental (is there an auction to bid on at all?) to the most
specific (is the amount high enough?), so a bidder is told the reason that matters first.
"""
from __future__ import annotations

from datetime import datetime

from streams.bidding.decisions import RejectReason, Rejected
from streams.bidding.inputs import BidRequest, BuyNowRequest
from streams.bidding.rules import LIVE_RULES, Rules
from streams.bidding.state import PrivateAuctionState, Outcome, Status

# Anything above this is a typo or an attack, not a bid: 1,000,000,000.00 in minor units.
MAX_BID_AMOUNT = 1_000_000_000_00


def format_amount(minor: int, currency: str) -> str:
    return f"{minor // 100:,}.{minor % 100:02d} {currency}"


def reject_unknown() -> Rejected:
    """For a request whose item the processor has never seen listed (it has no state to pass)."""
    return Rejected(RejectReason.UNKNOWN_ITEM, "There is no auction for this item.")


def reject_ended(outcome: Outcome) -> Rejected:
    """For a request on an auction that ended with `outcome`: what any request gets once it has ended.

    The processor also answers this way for an auction closed so long ago that it keeps only
    its outcome, not its state."""
    if outcome is Outcome.CANCELLED:
        return Rejected(RejectReason.CANCELLED, "This auction was cancelled.")
    return Rejected(RejectReason.CLOSED, "This auction has ended.")


def bid_rejection(state: PrivateAuctionState, bid: BidRequest, now: datetime, rules: Rules = LIVE_RULES) -> Rejected | None:
    ended = _ended(state, now)
    if ended is not None:
        return ended
    terms = state.terms
    if bid.bidder_id == terms.seller_id:
        return Rejected(RejectReason.OWN_ITEM, "You cannot bid on your own item.")
    minimum = rules.minimum_next_bid(state)
    if bid.currency != terms.currency:
        return Rejected(
            RejectReason.CURRENCY_MISMATCH,
            f"This auction is in {terms.currency}; your bid was in {bid.currency}.",
            minimum,
        )
    invalid = _invalid_amount(bid, terms.currency)
    if invalid is not None:
        return Rejected(RejectReason.INVALID_AMOUNT, invalid, minimum)
    if bid.amount < minimum:
        return Rejected(
            RejectReason.BELOW_MINIMUM,
            f"Your bid must be at least {format_amount(minimum, terms.currency)}.",
            minimum,
        )
    leader = state.leader
    if leader is not None and leader.bidder_id == bid.bidder_id and bid.ceiling <= leader.max_amount:
        # The leader may only raise their own maximum; they alone may see it in this message.
        return Rejected(
            RejectReason.BELOW_MINIMUM,
            "You are already the highest bidder, with a maximum of "
            f"{format_amount(leader.max_amount, terms.currency)}; to raise it, bid more than that.",
            max(minimum, leader.max_amount + 1),
        )
    return None


def buy_now_rejection(
    state: PrivateAuctionState, request: BuyNowRequest, now: datetime, rules: Rules = LIVE_RULES
) -> Rejected | None:
    ended = _ended(state, now)
    if ended is not None:
        return ended
    if request.buyer_id == state.terms.seller_id:
        return Rejected(RejectReason.OWN_ITEM, "You cannot buy your own item.")
    if state.terms.buy_now_price is None:
        return Rejected(RejectReason.BUY_NOW_UNAVAILABLE, "This item has no Buy It Now price.")
    if not rules.buy_now_available(state):
        return Rejected(
            RejectReason.BUY_NOW_UNAVAILABLE,
            "Buy It Now is no longer available: bidding on this item has begun.",
        )
    return None


def _ended(state: PrivateAuctionState, now: datetime) -> Rejected | None:
    if state.outcome is not None:
        return reject_ended(state.outcome)
    if state.status is Status.CLOSED or now >= state.ends_at:
        return Rejected(RejectReason.CLOSED, "This auction has ended.")
    return None


def _invalid_amount(bid: BidRequest, currency: str) -> str | None:
    if bid.amount <= 0:
        return "A bid must be a positive amount."
    if bid.ceiling < bid.amount:
        return "Your maximum bid cannot be lower than your bid."
    if bid.ceiling > MAX_BID_AMOUNT:
        return f"A bid cannot exceed {format_amount(MAX_BID_AMOUNT, currency)}."
    return None
