"""`manage.py rebuild_read_models` drops the read models and rebuilds them from the log: the rebuilt
rows equal the ones the running projector wrote."""
import pytest
from django.core.management import call_command

from auction.bidding.models import Bid
from auction.bidding.services import bid_place, buy_now_request
from auction.catalog.models import Item
from auction.staff.models import PlacedBid
from streams.money import Money
from tests.integration.coreflow.listing import listed
from tests.support.waiting import eventually

pytestmark = pytest.mark.django_db(transaction=True)
TIMEOUT_S = 30
BID_FIELDS = [field.name for field in Bid._meta.concrete_fields if field.name != "decided_at"]
"""Every run's bidding processor decides the bids on a shared broker, each at its own moment; the
read model keeps the last copy's time, and a rebuild may have seen a later copy than the projector."""


def _snapshot(item_ids: list) -> dict:
    return {
        "items": list(Item.objects.filter(pk__in=item_ids).order_by("pk").values()),
        "bids": list(Bid.objects.filter(item_id__in=item_ids).order_by("pk").values(*BID_FIELDS)),
        "placed": list(PlacedBid.objects.filter(item_id__in=item_ids).order_by("pk").values()),
    }


def test_the_rebuilt_read_models_equal_the_projected_ones(auction_pipeline, person, capsys):
    seller, ann, ben = person("seller").user, person("ann").user, person("ben").user
    contested, bought = listed(seller), listed(seller, buy_now="80.00")
    bid_place(bidder=ann, item=contested, amount=Money.parse("10.00", "EUR"), max_amount=Money.parse("30.00", "EUR"))
    bid_place(bidder=ben, item=contested, amount=Money.parse("15.00", "EUR"))
    bid_place(bidder=ben, item=contested, amount=Money.parse("5.00", "EUR"))
    buy_now_request(buyer=ann, item=bought)
    eventually(
        lambda: Bid.objects.filter(item_id=contested.pk).count() == 3
        and Item.objects.filter(pk=bought.pk, status=Item.Status.CLOSED).exists(),
        timeout_s=TIMEOUT_S, what="the decisions and the purchase",
    )
    before = _snapshot([contested.pk, bought.pk])

    call_command("rebuild_read_models")

    assert "rebuilt from" in capsys.readouterr().out
    assert _snapshot([contested.pk, bought.pk]) == before
    assert [bid["status"] for bid in before["bids"]].count("rejected") == 1 and len(before["placed"]) == 3
