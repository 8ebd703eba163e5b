"""Reads for staff: private bid details and audit trails (suspensions: `auction.accounts.selectors`)."""
import uuid
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from auction.bidding.models import Bid
from auction.catalog.models import Item
from auction.staff.models import AuditEntry, PlacedBid


@dataclass(frozen=True)
class StaffBidLine:
    """One bid with everything staff may see: the private maximum and the processor's decision (None = pending)."""

    placed: PlacedBid
    decision: Bid | None


def staff_bid_history(*, item_id: uuid.UUID) -> list[StaffBidLine]:
    """Every bid on the item, oldest first, accepted, rejected or not decided yet."""
    placed = list(PlacedBid.objects.filter(item_id=item_id).order_by("placed_at", "bid_id"))
    decisions = Bid.objects.in_bulk([line.bid_id for line in placed])
    return [StaffBidLine(placed=line, decision=decisions.get(line.bid_id)) for line in placed]


def leader_maximum(*, item: Item, bids: list[StaffBidLine]) -> int | None:
    """The leader's private maximum: the highest ceiling among their accepted bids."""
    ceilings = [
        line.placed.max_amount or line.placed.amount
        for line in bids
        if line.placed.bidder_id == item.leader_id and line.decision is not None
        and line.decision.status == Bid.Status.ACCEPTED
    ]
    return max(ceilings, default=None)


def audit_trail(*, item_id: uuid.UUID) -> QuerySet[AuditEntry]:
    """Interventions on the item, including a relist of it (recorded on the new item)."""
    return AuditEntry.objects.filter(Q(item_id=item_id) | Q(related_item_id=item_id))
