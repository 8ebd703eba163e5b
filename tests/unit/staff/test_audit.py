"""Which events are interventions, and what the audit trail keeps of them."""
from datetime import datetime, timedelta, timezone

from streams.events import (
    AuctionCancelled,
    AuctionEndRequested,
    AuctionExtensionRequested,
    BidPlaced,
    Envelope,
    ItemListed,
)
from streams.events.examples import EXAMPLES

from auction.staff.models import AuditEntry
from auction.staff.projections import audit_fields

ITEM = EXAMPLES[ItemListed].item_id
AT = datetime(2030, 1, 1, tzinfo=timezone.utc)


def _envelope(event) -> Envelope:
    return Envelope(id="e-1", type=event.type, source="/auction/web", time=AT, event=event)


def test_each_staff_action_names_who_did_it_and_why():
    new_end = AT + timedelta(days=1)
    assert audit_fields(_envelope(AuctionEndRequested(item_id=ITEM, reason="fraud", acted_by=7))) == dict(
        item_id=ITEM, at=AT, action=AuditEntry.Action.ENDED, acted_by=7, reason="fraud"
    )
    extension = audit_fields(_envelope(AuctionExtensionRequested(item_id=ITEM, ends_at=new_end, reason="outage", acted_by=7)))
    assert (extension["action"], extension["ends_at"], extension["acted_by"]) == (AuditEntry.Action.EXTENDED, new_end, 7)
    cancel = audit_fields(_envelope(AuctionCancelled(item_id=ITEM, reason="damaged", cancelled_by=7)))
    assert (cancel["action"], cancel["acted_by"], cancel["reason"]) == (AuditEntry.Action.CANCELLED, 7, "damaged")


def test_a_seller_withdrawing_is_recorded_without_a_staff_member():
    cancel = audit_fields(_envelope(AuctionCancelled(item_id=ITEM, reason="sold elsewhere", cancelled_by=None)))
    assert cancel["acted_by"] is None


def test_a_relist_is_recorded_on_the_new_item_and_points_at_the_old_one():
    old = "0e6f1c2d-3a4b-4c5d-8e9f-a0b1c2d3e4f5"
    relisted = EXAMPLES[ItemListed].model_copy(update={"relisted_from": old, "acted_by": 7})
    fields = audit_fields(_envelope(relisted))
    assert (fields["item_id"], fields["related_item_id"], fields["action"]) == (ITEM, old, AuditEntry.Action.RELISTED)


def test_ordinary_listings_and_bids_are_not_interventions():
    assert audit_fields(_envelope(EXAMPLES[ItemListed])) is None
    assert audit_fields(_envelope(EXAMPLES[BidPlaced])) is None
