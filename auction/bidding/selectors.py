"""Reads of the bid read model, and of the item as a bidder waits on it."""
import uuid

from django.db.models import QuerySet

from auction.bidding.models import Bid
from auction.catalog.models import Item


def bid_get(*, bid_id: uuid.UUID) -> Bid | None:
    return Bid.objects.filter(pk=bid_id).first()


def bid_history(*, item_id: uuid.UUID) -> QuerySet[Bid]:
    """Accepted bids on an item, newest first: the public history (rejections are the bidder's own business)."""
    return Bid.objects.filter(item_id=item_id, status=Bid.Status.ACCEPTED).order_by("-decided_at", "-seq")


def item_closed(*, item_id: uuid.UUID) -> Item | None:
    """The item once its close is projected, else None: what a buyer waits for after Buy It Now."""
    return Item.objects.filter(pk=item_id, status=Item.Status.CLOSED).first()
