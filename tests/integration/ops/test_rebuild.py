"""Rebuilding the read models from the ops page replays the log into the same rows the projector wrote,
repairing damage, and the running projector carries on afterwards; processors whose tables hold
what the log does not are refused.

`manage.py rebuild_read_models` (and `rebuild NAME`) runs the same `rebuild_begin` + `rebuild_execute`,
in the foreground; one rebuild of the whole log is enough for the suite's time budget (the analytics
rebuild is tested on topics of its own, in tests/integration/analytics).
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from auction.bidding.models import Bid
from auction.bidding.services import bid_place
from auction.catalog.models import Item
from auction.ops.models import RebuildRun
from auction.ops.rebuilds import STALE_AFTER, rebuild_begin
from auction.staff.models import AuditEntry, PlacedBid
from streams.money import Money
from tests.support.waiting import eventually
from tests.integration.ops.support import listed

pytestmark = pytest.mark.django_db(transaction=True)
TIMEOUT_S = 60


def _snapshot(item_ids: list[str]) -> dict:
    """Every read-model row about these items, as plain values."""
    return {
        "items": list(Item.objects.filter(pk__in=item_ids).order_by("pk").values()),
        "bids": list(Bid.objects.filter(item_id__in=item_ids).order_by("pk").values()),
        "placed": list(PlacedBid.objects.filter(item_id__in=item_ids).order_by("pk").values()),
        "audit": list(AuditEntry.objects.filter(item_id__in=item_ids).order_by("event_id").values(
            "event_id", "item_id", "action", "acted_by", "reason", "at"
        )),
    }


def _decided(item_id: str, count: int) -> bool:
    return Bid.objects.filter(item_id=item_id).count() == count and PlacedBid.objects.filter(item_id=item_id).count() == count


def test_a_rebuild_from_the_page_reproduces_the_read_models_and_repairs_them(
    auction_pipeline, staff, staff_client, person
):
    seller, ann, ben = person("seller"), person("ann"), person("ben")
    first, second = listed(seller, title="Rebuilt lamp"), listed(seller, title="Rebuilt clock", reserve="99.00")
    item = eventually(lambda: Item.objects.filter(pk=first).first(), timeout_s=TIMEOUT_S, what="listing")
    bid_place(bidder=ann, item=item, amount=Money.parse("10.00", "EUR"), max_amount=Money.parse("30.00", "EUR"))
    bid_place(bidder=ben, item=item, amount=Money.parse("15.00", "EUR"))
    clock = eventually(lambda: Item.objects.filter(pk=second).first(), timeout_s=TIMEOUT_S, what="listing")
    bid_place(bidder=ben, item=clock, amount=Money.parse("20.00", "EUR"))
    eventually(lambda: _decided(first, 2) and _decided(second, 1), timeout_s=TIMEOUT_S, what="decisions")
    staff_client.post(reverse("admin:catalog_item_act", args=[second, "end"]), {"end-reason": "Rebuild test"})
    eventually(lambda: AuditEntry.objects.filter(item_id=second).exists() and
               Item.objects.filter(pk=second, status="closed").exists(), timeout_s=TIMEOUT_S, what="the close")
    before = _snapshot([first, second])
    Item.objects.filter(pk=first).delete()  # damage: a lost row and a wrong one
    Bid.objects.filter(item_id=second).update(amount=1)

    started = staff_client.post(reverse("ops:rebuild"))
    assert started.status_code == 202
    run_id = started.json()["run"]["id"]
    finished = eventually(lambda: _finished(staff_client, run_id), timeout_s=TIMEOUT_S, what="the rebuild")

    assert finished["status"] == "succeeded", finished["error"]
    assert finished["records_total"] > 0 and finished["records_done"] == finished["records_total"]
    assert finished["requested_by"] == staff.username
    assert _snapshot([first, second]) == before
    later = bid_place(bidder=ann, item=Item.objects.get(pk=first), amount=Money.parse("40.00", "EUR"))
    eventually(lambda: Bid.objects.filter(pk=later.bid_id).exists(), timeout_s=TIMEOUT_S, what="the projector to go on")


def _finished(client, run_id: int) -> dict | None:
    [run] = [run for run in client.get(reverse("ops:rebuild")).json()["runs"] if run["id"] == run_id]
    return run if run["status"] != "running" else None



def test_a_second_rebuild_is_refused_while_one_runs_but_not_after_its_process_died(staff, staff_client):
    running = RebuildRun.objects.create(requested_by=staff)
    refused = staff_client.post(reverse("ops:rebuild"))
    assert refused.status_code == 409 and "already running" in refused.json()["error"]
    assert RebuildRun.objects.count() == 1

    RebuildRun.objects.filter(pk=running.pk).update(heartbeat_at=timezone.now() - STALE_AFTER - timedelta(seconds=1))
    rebuild_begin(requested_by=staff)
    died = RebuildRun.objects.get(pk=running.pk)
    assert (died.status, died.error) == ("failed", "interrupted (its process stopped)")


def test_only_processors_whose_tables_the_log_determines_can_be_rebuilt(staff_client):
    page = staff_client.get(reverse("ops:page")).content.decode()
    assert '<option value="projector" selected>' in page and '<option value="analytics">' in page
    assert "notifications is not rebuilt" in page and "dead-letters is not rebuilt" in page

    for name in ("notifications", "dead-letters", "live", "nonsense"):
        refused = staff_client.post(reverse("ops:rebuild"), {"processor": name}, content_type="application/json")
        assert refused.status_code == 400, name
        assert name in refused.json()["error"]
    assert not RebuildRun.objects.exists()
