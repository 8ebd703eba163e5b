"""How the projector fills the staff-only read models; keyed by bid id and event id, so replays are harmless."""
from collections.abc import Sequence

from streams.events import (
    AuctionCancelled,
    AuctionEndRequested,
    AuctionExtensionRequested,
    BidPlaced,
    Envelope,
    ItemListed,
)

from auction.staff.models import AuditEntry, PlacedBid
from streams.money import to_minor

INTERVENTIONS = (AuctionCancelled, AuctionEndRequested, AuctionExtensionRequested, ItemListed)
"""Event types that may be an intervention; `audit_fields` says whether a given one is."""


def bids_placed(events: Sequence[BidPlaced]) -> None:
    """One upsert for a batch of bids (the projector's most frequent event)."""
    rows = {
        event.bid_id: PlacedBid(
            bid_id=event.bid_id,
            item_id=event.item_id,
            bidder_id=event.bidder_id,
            bidder_name=event.bidder_name,
            amount=event.amount.minor,
            max_amount=to_minor(event.max_amount),
            currency=event.amount.currency,
            placed_at=event.placed_at,
        )
        for event in events
    }
    if rows:
        PlacedBid.objects.bulk_create(
            rows.values(),
            update_conflicts=True,
            unique_fields=["bid_id"],
            update_fields=["item_id", "bidder_id", "bidder_name", "amount", "max_amount", "currency", "placed_at"],
        )


def audit_fields(envelope: Envelope) -> dict | None:
    """The audit entry an event makes, or None when it is not an intervention (an ordinary listing)."""
    event = envelope.event
    common = dict(item_id=event.item_id, at=envelope.time)
    if isinstance(event, AuctionCancelled):
        return dict(common, action=AuditEntry.Action.CANCELLED, acted_by=event.cancelled_by, reason=event.reason)
    if isinstance(event, AuctionEndRequested):
        return dict(common, action=AuditEntry.Action.ENDED, acted_by=event.acted_by, reason=event.reason)
    if isinstance(event, AuctionExtensionRequested):
        return dict(
            common, action=AuditEntry.Action.EXTENDED, acted_by=event.acted_by, reason=event.reason, ends_at=event.ends_at
        )
    if isinstance(event, ItemListed) and event.relisted_from is not None:
        return dict(
            common, action=AuditEntry.Action.RELISTED, acted_by=event.acted_by, related_item_id=event.relisted_from
        )
    return None


def intervention(envelope: Envelope) -> None:
    fields = audit_fields(envelope)
    if fields is not None:
        AuditEntry.objects.get_or_create(event_id=envelope.id, defaults=fields)
