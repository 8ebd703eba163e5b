"""Writes about items: each validates and enriches at the edge, then publishes one event."""
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from auction.accounts.services import refuse_if_suspended
from auction.catalog.attempts import listing_attempt_id, terms_digest
from auction.catalog.models import ListingAttempt
from auction.catalog.photo_urls import pictures_problem
from auction.catalog.rules import listing_problems
from auction.idempotency import AttemptConflict
from auction.publishing import Published, PublishUncertain, publish
from auction.text import DESCRIPTION, LOCATION, REASON, TITLE, clean_all
from streams.events import AuctionCancelled, ItemListed
from streams.money import Money


@dataclass(frozen=True)
class Listed:
    event: ItemListed
    published: Published | None
    """None when an earlier attempt with the same key was published already: this one published nothing."""
    again: bool = False
    """An attempt sent before with the same key answers this one: the event (its photos too) is the first's."""


class ListingAttemptConflict(AttemptConflict):
    """The attempt key was used for a listing of other terms."""

    def __init__(self, title: str) -> None:
        super().__init__(
            f"This Idempotency-Key was used for another listing (“{title}”) with other terms; "
            "use a new key for a new listing."
        )
        self.title = title


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
    item_id: uuid.UUID | None = None,
    **provenance: int | str,
) -> ItemListed:
    """A validated, enriched listing: the server decides the id and the start and end times.

    The text is normalized and measured here again (the forms and the API did it already, and it
    is idempotent), so no caller can publish a listing the event schema would refuse; and every
    picture must be a photo uploaded to this site (`photo_urls`), whoever the caller.
    `item_id`: an attempt's id (`auction.catalog.attempts`), else a new random one.
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
        item_id=str(item_id or uuid.uuid4()),
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


def item_put_up(
    *, seller: AbstractBaseUser, attempt_key: str | None = None, pictures: Sequence[str] | None = None, **listing
) -> Listed:
    """List an item for auction as `seller`; `listing` holds the fields of `listing_event`.

    With an `attempt_key` (`auction.idempotency`) the listing is one however often it is sent:
    see `listing_attempt_publish`. `pictures` says what its photos are when their addresses do
    not (the sell form stores them again under new names each time it is sent)."""
    refuse_if_suspended(user=seller)
    item_id = None if attempt_key is None else listing_attempt_id(seller_id=seller.pk, key=attempt_key)
    event = listing_event(seller_id=seller.pk, seller_name=seller.get_username(), item_id=item_id, **listing)
    if item_id is None:
        return Listed(event=event, published=publish(event))
    return listing_attempt_publish(event=event, pictures=event.image_urls if pictures is None else pictures)


def listing_attempt_publish(*, event: ItemListed, pictures: Sequence[str]) -> Listed:
    """Publish a listing whose id an attempt key names, once: a listing sent again is the first one.

    The attempt's row is taken in a transaction held over the publish, so an attempt sent again
    at the same moment (a double click) waits for it. Then: other terms are refused
    (`ListingAttemptConflict`) and publish nothing; the same terms publish nothing if the first
    was acknowledged, else they publish the first attempt's event again, unchanged (same start
    and end, same photos), which the bidding processor and the projector both take as the same
    listing. A publish the broker did not acknowledge keeps the row, unpublished; one that
    surely failed leaves no row, as if never sent."""
    digest = terms_digest(event, pictures=pictures)
    uncertain: PublishUncertain | None = None
    with transaction.atomic():
        attempt, created = ListingAttempt.objects.select_for_update().get_or_create(
            item_id=event.item_id,
            defaults={"seller_id": event.seller_id, "terms_digest": digest, "listing": event.model_dump(mode="json")},
        )
        if attempt.seller_id != event.seller_id or attempt.terms_digest != digest:
            raise ListingAttemptConflict(attempt.listing["title"])
        first = ItemListed.model_validate(attempt.listing)
        if attempt.published:
            return Listed(event=first, published=None, again=True)
        try:
            published = publish(first)
        except PublishUncertain as error:
            uncertain = error  # keep the row: the listing may be in the log, and a retry must send the same one
        else:
            attempt.published = True
            attempt.save(update_fields=["published"])
    if uncertain is not None:
        raise uncertain
    return Listed(event=first, published=published, again=not created)


def item_cancel(*, item_id: uuid.UUID, reason: str, staff: AbstractBaseUser | None) -> Published:
    """Withdraw an item; the bidding processor closes it as cancelled."""
    texts, problems = clean_all(reason=(REASON, reason))
    if problems:
        raise ValidationError(problems)
    event = AuctionCancelled(item_id=str(item_id), reason=texts["reason"], cancelled_by=staff.pk if staff else None)
    return publish(event)
