"""Reads of the bid read model, and of the item as a bidder waits on it."""
import uuid

from django.db.models import QuerySet

from auction.bidding.models import Bid
from auction.catalog.models import Item
from streams.events import Outcome


def bid_get(*, bid_id: uuid.UUID) -> Bid | None:
    return Bid.objects.filter(pk=bid_id).first()


def bid_history(*, item_id: uuid.UUID) -> QuerySet[Bid]:
    """Accepted bids on an item, newest first: the public history (rejections are the bidder's own business)."""
    return Bid.objects.filter(item_id=item_id, status=Bid.Status.ACCEPTED).order_by("-decided_at", "-seq")


def purchase_decision(*, item_id: uuid.UUID, request_id: uuid.UUID, buyer_id: int) -> Bid | Item | None:
    """The bidding processor's answer to a Buy It Now request, once projected, else None.

    It answers every request: a refusal is a rejected Bid row keyed by the request id; an
    acceptance closes the item as bought now by the buyer. An item closed any other way is
    not the answer yet: the refusal that explains it follows.
    """
    refusal = Bid.objects.filter(pk=request_id, status=Bid.Status.REJECTED).first()
    bought = Item.objects.filter(pk=item_id, status=Item.Status.CLOSED, outcome=Outcome.BOUGHT_NOW, winner_id=buyer_id)
    return refusal or bought.first()
