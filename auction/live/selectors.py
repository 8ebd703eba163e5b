"""Reads for live updates: the items a browse page shows, by id."""
import uuid
from collections.abc import Collection

from auction.catalog.models import Item


def items_by_id(*, item_ids: Collection[uuid.UUID]) -> list[Item]:
    return list(Item.objects.filter(pk__in=item_ids))


def item_exists(*, item_id: uuid.UUID) -> bool:
    return Item.objects.filter(pk=item_id).exists()
