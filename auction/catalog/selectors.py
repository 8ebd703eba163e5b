"""Reads of the item read model."""
import uuid

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce

from auction.catalog.models import Item

SORTS = {
    "ending": ("ends_at",),
    "price_low": ("display_price",),
    "price_high": ("-display_price",),
    "newest": ("-starts_at",),
}
DEFAULT_SORT = "ending"


def item_search(*, status: str | None = "open", category: str = "", q: str = "", sort: str = DEFAULT_SORT) -> QuerySet[Item]:
    items = Item.objects.annotate(display_price=Coalesce(F("current_price"), F("starting_price")))
    if status:
        items = items.filter(status=status)
    if category:
        items = items.filter(category=category)
    if q:
        items = items.filter(Q(title__icontains=q) | Q(description__icontains=q))
    return items.order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT]), "id")


def item_get(*, item_id: uuid.UUID) -> Item | None:
    return Item.objects.filter(pk=item_id).first()
