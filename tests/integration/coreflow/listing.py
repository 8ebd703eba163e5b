"""Listing through the real service, and waiting until the projector shows the item."""
import uuid

from auction.catalog.models import Item
from auction.catalog.services import item_put_up
from streams.money import Money
from tests.support.waiting import eventually

PROJECTED_TIMEOUT_S = 30


def listed(seller, *, buy_now: str | None = None, duration_seconds: int = 3600) -> Item:
    """An item `seller` listed a moment ago (starting at 10.00), once projected."""
    event = item_put_up(
        seller=seller, title="Pewter jug", description="Dented, honest.", category="home", image_urls=[],
        location="York", starting_price=Money.parse("10.00", "EUR"), reserve_price=None,
        buy_now_price=None if buy_now is None else Money.parse(buy_now, "EUR"), duration_seconds=duration_seconds,
    ).event
    item_id = uuid.UUID(event.item_id)
    return eventually(lambda: Item.objects.filter(pk=item_id).first(), timeout_s=PROJECTED_TIMEOUT_S, what="the listing")
