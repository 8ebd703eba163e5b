"""Auctions made straight through the event log, as the web tier would publish them.

For tests of what happens downstream (processors, pages, emails): no HTTP, no form, no service
validation; the web tier's own tests go through those.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

from auction.publishing import publish
from streams.events import BidPlaced, BuyNowRequested, ItemListed
from streams.money import Money


def publish_listing(
    seller,
    *,
    title: str,
    ends_in_s: float,
    starting: int = 10_00,
    reserve: int | None = None,
    buy_now: int | None = None,
    extension_window_s: int = 0,
    image_urls: tuple[str, ...] = (),
    item_id: str | None = None,
    description: str = "A test listing.",
) -> str:
    """Publish an `ItemListed` by `seller` that started a second ago; returns the item id (amounts in minor units)."""
    now = datetime.now(timezone.utc)
    item_id = item_id or str(uuid.uuid4())
    publish(
        ItemListed(
            item_id=item_id,
            seller_id=seller.pk,
            seller_name=seller.username,
            title=title,
            description=description,
            category="home",
            image_urls=image_urls,
            location="Lyon",
            starting_price=Money(minor=starting),
            reserve_price=None if reserve is None else Money(minor=reserve),
            buy_now_price=None if buy_now is None else Money(minor=buy_now),
            starts_at=now - timedelta(seconds=1),
            ends_at=now + timedelta(seconds=ends_in_s),
            extension_window_seconds=extension_window_s,
        )
    )
    return item_id


def publish_bid(item_id: str, bidder, amount: int) -> None:
    """Publish a `BidPlaced` of `amount` minor units by `bidder`, placed now."""
    publish(
        BidPlaced(
            bid_id=str(uuid.uuid4()),
            item_id=item_id,
            bidder_id=bidder.pk,
            bidder_name=bidder.username,
            amount=Money(minor=amount),
            placed_at=datetime.now(timezone.utc),
        )
    )


def publish_buy_now(item_id: str, buyer) -> None:
    publish(
        BuyNowRequested(
            request_id=str(uuid.uuid4()),
            item_id=item_id,
            buyer_id=buyer.pk,
            buyer_name=buyer.username,
            requested_at=datetime.now(timezone.utc),
        )
    )
