"""Each admin action publishes the right event, naming the staff member, and the pipeline makes it so.

The real bidding processor and projector run (`auction_pipeline`); the admin is driven through
Django's test client as a staff member.
"""
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from auction.bidding.models import Bid
from auction.bidding.services import bid_place
from auction.catalog.models import Item
from auction.staff.models import AuditEntry
from streams.events import AuctionCancelled, AuctionEndRequested, AuctionExtensionRequested, ItemListed
from streams.money import Money
from tests.integration.ops.support import EventsSince, listed
from tests.support.waiting import eventually

pytestmark = pytest.mark.django_db(transaction=True)
TIMEOUT_S = 20


def _projected(item_id: str, **state) -> Item:
    return eventually(
        lambda: Item.objects.filter(pk=item_id, **state).first(), timeout_s=TIMEOUT_S, what=f"item {item_id} with {state}"
    )


def _act(client, item_id: str, action: str, **fields) -> None:
    data = {f"{action}-{name}": value for name, value in fields.items()}
    response = client.post(reverse("admin:catalog_item_act", args=[item_id, action]), data)
    assert response.status_code == 302, response.content
    failures = [str(m) for m in response.wsgi_request._messages if m.level_tag == "error"]
    assert not failures, failures


@pytest.fixture
def items_log(kafka_bootstrap):
    """What is produced to `auction.items` from now on; open it just before the action."""
    readers = []

    def open_log() -> EventsSince:
        readers.append(EventsSince(kafka_bootstrap, "auction.items"))
        return readers[-1]

    yield open_log
    for reader in readers:
        reader.close()


def test_cancelling_closes_the_auction_records_who_did_it_and_refuses_later_bids(
    auction_pipeline, staff, staff_client, person, items_log
):
    seller, bidder = person("seller"), person("bidder")
    item_id = listed(seller, title="Cancelled lamp")
    item = _projected(item_id)
    bid_place(bidder=bidder, item=item, amount=Money.parse("12.00", "EUR"))
    _projected(item_id, bid_count=1)
    log = items_log()

    _act(staff_client, item_id, "cancel", reason="Counterfeit, reported by the buyer")

    event = log.wait_for(AuctionCancelled, lambda e: e.item_id == item_id)
    assert (event.cancelled_by, event.reason) == (staff.pk, "Counterfeit, reported by the buyer")
    closed = _projected(item_id, status="closed")
    assert closed.outcome == "cancelled"
    late = person("late")
    with pytest.raises(ValidationError, match="ended"):
        bid_place(bidder=late, item=closed, amount=Money.parse("20.00", "EUR"))
    entry = eventually(lambda: AuditEntry.objects.filter(item_id=item_id).first(), timeout_s=TIMEOUT_S, what="audit")
    assert (entry.action, entry.acted_by, entry.reason) == ("cancelled", staff.pk, "Counterfeit, reported by the buyer")


def test_the_bidding_processor_itself_refuses_bids_on_a_cancelled_auction(auction_pipeline, staff_client, person):
    """A bid that raced the cancellation past the web tier's check is rejected by the single writer."""
    seller, bidder = person("seller"), person("bidder")
    item_id = listed(seller, title="Raced lamp")
    item = _projected(item_id)
    _act(staff_client, item_id, "cancel", reason="Withdrawn")
    _projected(item_id, status="closed")
    placed = bid_place(bidder=bidder, item=item, amount=Money.parse("12.00", "EUR"))  # `item` is the stale, open row
    rejected = eventually(lambda: Bid.objects.filter(pk=placed.bid_id).first(), timeout_s=TIMEOUT_S, what="decision")
    assert (rejected.status, rejected.reason_code) == ("rejected", "cancelled")


def test_ending_now_sells_to_the_leader_at_once(auction_pipeline, staff, staff_client, person, items_log):
    seller, bidder = person("seller"), person("bidder")
    item_id = listed(seller, title="Ended clock")
    bid_place(bidder=bidder, item=_projected(item_id), amount=Money.parse("15.00", "EUR"))
    _projected(item_id, bid_count=1)
    log = items_log()

    _act(staff_client, item_id, "end", reason="Seller moving abroad; bids stand")

    assert log.wait_for(AuctionEndRequested, lambda e: e.item_id == item_id).acted_by == staff.pk
    closed = _projected(item_id, status="closed")
    assert (closed.outcome, closed.winner_id, closed.final_price) == ("sold", bidder.pk, 15_00)
    assert closed.closed_at < closed.original_ends_at


def test_extending_moves_the_end_for_bidders_too(auction_pipeline, staff, staff_client, person, items_log):
    item_id = listed(person("seller"), title="Extended vase")
    item = _projected(item_id)
    new_end = (item.ends_at + timedelta(days=2)).replace(second=0, microsecond=0)
    log = items_log()

    _act(staff_client, item_id, "extend", ends_at=new_end.strftime("%Y-%m-%dT%H:%M"), reason="Site outage")

    event = log.wait_for(AuctionExtensionRequested, lambda e: e.item_id == item_id)
    assert (event.ends_at, event.acted_by) == (new_end, staff.pk)
    assert _projected(item_id, ends_at=new_end).status == "open"
    entry = eventually(lambda: AuditEntry.objects.filter(item_id=item_id).first(), timeout_s=TIMEOUT_S, what="audit")
    assert (entry.action, entry.ends_at) == ("extended", new_end)


def test_relisting_an_unsold_item_lists_it_again_with_a_link_back(auction_pipeline, staff, staff_client, person, items_log):
    seller = person("seller")
    item_id = listed(seller, title="Unloved rug", reserve="50.00")
    _projected(item_id)
    _act(staff_client, item_id, "end", reason="No interest")
    _projected(item_id, status="closed", outcome="no_bids")
    log = items_log()

    _act(staff_client, item_id, "relist", duration_seconds=str(3 * 86400))

    event = log.wait_for(ItemListed, lambda e: e.relisted_from == item_id)
    assert (event.acted_by, event.seller_id) == (staff.pk, seller.pk)
    relisted = _projected(event.item_id)
    assert (relisted.seller_id, relisted.title, relisted.reserve_price, relisted.status) == (seller.pk, "Unloved rug", 50_00, "open")
    assert (relisted.seller_name, relisted.description, relisted.category, relisted.location, relisted.image_urls) == (
        seller.get_username(), "Listed by the ops tests.", "home", "Lyon", []
    ), "everything else the seller listed, as listed"
    assert relisted.ends_at - relisted.starts_at == timedelta(days=3)
    eventually(lambda: AuditEntry.objects.filter(related_item_id=item_id).exists(), timeout_s=TIMEOUT_S, what="audit")
    old_page = staff_client.get(reverse("admin:catalog_item_change", args=[item_id])).content.decode()
    assert "relisted as" in old_page and event.item_id in old_page


def test_staff_see_the_reserve_and_every_bidders_private_maximum(auction_pipeline, staff_client, person):
    seller, ann, ben = person("seller"), person("ann"), person("ben")
    item_id = listed(seller, title="Watched watch", reserve="90.00")
    bid_place(bidder=ann, item=_projected(item_id), amount=Money.parse("10.00", "EUR"), max_amount=Money.parse("77.00", "EUR"))
    bid_place(bidder=ben, item=_projected(item_id, bid_count=1), amount=Money.parse("12.00", "EUR"))
    _projected(item_id, bid_count=2)
    eventually(lambda: Bid.objects.filter(item_id=item_id).count() == 2, timeout_s=TIMEOUT_S, what="both decisions")

    page = staff_client.get(reverse("admin:catalog_item_change", args=[item_id])).content.decode()

    assert "€90.00" in page, "the reserve"
    assert "€77.00" in page, "ann's maximum, and the leader's"
    assert page.count("accepted") >= 2 and ann.username in page and ben.username in page
    public = staff_client.get(reverse("bidding:item", args=[item_id])).content.decode()
    assert "€77.00" not in public and "€90.00" not in public
