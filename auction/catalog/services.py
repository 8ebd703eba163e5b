"""Writes about items: each validates and enriches at the edge, then publishes one event."""
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError

from auction.accounts.services import refuse_if_suspended
from auction.catalog.photo_urls import pictures_problem
from auction.catalog.rules import listing_problems
from auction.publishing import Published, publish
from auction.text import DESCRIPTION, LOCATION, REASON, TITLE, clean_all
from streams.events import AuctionCancelled, ItemListed
from streams.money import Money


@dataclass(frozen=True)
class Listed:
    event: ItemListed
    published: Published


def listing_event(
    *,
    seller_id: int,
    seller_name: str,
    title: str,
    description: str,
    category: str,
    image_urls: list[str],
    location: str,
    starting_price: Money,
    reserve_price: Money | None,
    buy_now_price: Money | None,
    duration_seconds: int,
    now: datetime | None = None,
    **provenance: int | str,
) -> ItemListed:
    """A validated, enriched listing: the server decides the id and the start and end times.

    The text is normalized and measured here again (the forms and the API did it already, and it
    is idempotent), so no caller can publish a listing the event schema would refuse; and every
    picture must be a photo uploaded to this site (`photo_urls`), whoever the caller.
    `provenance` carries the optional fields of a staff relisting (`relisted_from`, `acted_by`).
    """
    texts, problems = clean_all(
        title=(TITLE, title), description=(DESCRIPTION, description), location=(LOCATION, location)
    )
    problems |= listing_problems(
        starting_price=starting_price,
        reserve_price=reserve_price,
        buy_now_price=buy_now_price,
        duration_seconds=duration_seconds,
        min_duration_seconds=settings.AUCTION_MIN_DURATION_SECONDS,
    )
    if picture := pictures_problem(image_urls):
        problems["image_urls"] = picture
    if problems:
        raise ValidationError(problems)
    starts_at = (now or datetime.now(timezone.utc)).replace(microsecond=0)
    return ItemListed(
        item_id=str(uuid.uuid4()),
        seller_id=seller_id,
        seller_name=seller_name,
        title=texts["title"],
        description=texts["description"],
        category=category,
        image_urls=tuple(image_urls),
        location=texts["location"],
        starting_price=starting_price,
        reserve_price=reserve_price,
        buy_now_price=buy_now_price,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(seconds=duration_seconds),
        extension_window_seconds=settings.AUCTION_EXTENSION_WINDOW_SECONDS,
        extension_cap_seconds=settings.AUCTION_EXTENSION_CAP_SECONDS,
        **provenance,
    )


def item_put_up(*, seller: AbstractBaseUser, **listing) -> Listed:
    """List an item for auction as `seller`; `listing` holds the fields of `listing_event`."""
    refuse_if_suspended(user=seller)
    event = listing_event(seller_id=seller.pk, seller_name=seller.get_username(), **listing)
    return Listed(event=event, published=publish(event))


def item_cancel(*, item_id: uuid.UUID, reason: str, staff: AbstractBaseUser | None) -> Published:
    """Withdraw an item; the bidding processor closes it as cancelled."""
    texts, problems = clean_all(reason=(REASON, reason))
    if problems:
        raise ValidationError(problems)
    event = AuctionCancelled(item_id=str(item_id), reason=texts["reason"], cancelled_by=staff.pk if staff else None)
    return publish(event)
