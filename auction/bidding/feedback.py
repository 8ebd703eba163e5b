"""What a bidder or buyer is told right after asking, from the projected decision or its absence.

Pages turn this into a flash message and the API into its response, so both say the same.
"""
from dataclasses import dataclass
from typing import Literal

from auction.bidding.models import Bid
from auction.catalog.models import Item
from streams.events import RejectReason
from streams.money import Money, from_minor

PENDING = "Pending — your bid is being processed; its result will show in a moment."
PURCHASE_PENDING = "Pending — your Buy It Now request is being processed. Refresh in a moment to see the result."


@dataclass(frozen=True)
class BidFeedback:
    status: Literal["accepted", "rejected", "pending"]
    message: str
    leading: bool | None = None
    """For an accepted bid: whether it leads, or an earlier automatic (proxy) bid still does."""
    reason: str | None = None
    minimum: Money | None = None


def bid_feedback(bid: Bid | None, *, bidder_id: int) -> BidFeedback:
    if bid is None:
        return BidFeedback(status="pending", message=PENDING)
    if bid.status == Bid.Status.ACCEPTED:
        if bid.leader_after_id == bidder_id:
            return BidFeedback(status="accepted", message="You're the highest bidder.", leading=True)
        return BidFeedback(
            status="accepted",
            message="You've been outbid by an automatic bid. Bid again to take the lead.",
            leading=False,
        )
    minimum = from_minor(bid.minimum, bid.currency)
    message = f"Your bid was not accepted: {bid.reason}"
    if minimum is not None and bid.reason_code != RejectReason.BELOW_MINIMUM:
        message += f" The minimum bid is {minimum.display()}."
    return BidFeedback(status="rejected", message=message, reason=bid.reason, minimum=minimum)


@dataclass(frozen=True)
class PurchaseFeedback:
    status: Literal["bought", "rejected", "pending"]
    message: str


def purchase_feedback(decision: Bid | Item | None) -> PurchaseFeedback:
    """`decision` is the request's refusal, the item it bought, or None if neither was projected in time."""
    if decision is None:
        return PurchaseFeedback(status="pending", message=PURCHASE_PENDING)
    if isinstance(decision, Bid):
        return PurchaseFeedback(status="rejected", message=f"Your Buy It Now request was not accepted: {decision.reason}")
    price = from_minor(decision.final_price, decision.currency).display()
    return PurchaseFeedback(status="bought", message=f"You bought this item for {price}.")
