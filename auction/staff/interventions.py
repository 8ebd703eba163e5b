"""Staff actions on auctions. Each publishes one event naming the staff member; none touches a read model.

The bidding processor applies the event (it is the single writer of auction state) and the
projector records it in the item's audit trail. `rules` refuses what cannot work, in the same
words the admin shows.
"""
from dataclasses import dataclass
from datetime import datetime, timezone

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError

from auction.accounts.selectors import active_suspension
from auction.catalog.listing_fields import as_listed
from auction.catalog.models import Item
from auction.catalog.photo_urls import listable_pictures
from auction.catalog.services import item_cancel, listing_event
from auction.publishing import Published, publish
from auction.staff import rules
from auction.text import REASON, TextProblem
from streams.events import AuctionEndRequested, AuctionExtensionRequested, ItemListed
from streams.money import from_minor


@dataclass(frozen=True)
class Relisted:
    event: ItemListed
    published: Published


def _refuse(problem: str | None) -> None:
    if problem:
        raise ValidationError(problem)


def _reason(reason: str) -> str:
    """Every intervention says why: the audit trail and the bidders' email show it."""
    try:
        return REASON.clean(reason)
    except TextProblem as problem:
        raise ValidationError({"reason": str(problem)}) from None


def auction_cancel(*, item: Item, staff: AbstractBaseUser, reason: str) -> Published:
    _refuse(rules.stop_problem(item))
    return item_cancel(item_id=item.pk, reason=_reason(reason), staff=staff)


def auction_end_now(*, item: Item, staff: AbstractBaseUser, reason: str) -> Published:
    _refuse(rules.stop_problem(item))
    return publish(AuctionEndRequested(item_id=str(item.pk), reason=_reason(reason), acted_by=staff.pk))


def auction_extend(
    *, item: Item, staff: AbstractBaseUser, ends_at: datetime, reason: str, now: datetime | None = None
) -> Published:
    _refuse(rules.extension_problem(item, ends_at, now or datetime.now(timezone.utc)))
    event = AuctionExtensionRequested(item_id=str(item.pk), ends_at=ends_at, reason=_reason(reason), acted_by=staff.pk)
    return publish(event)


def auction_relist(
    *, item: Item, staff: AbstractBaseUser, duration_seconds: int, now: datetime | None = None
) -> Relisted:
    """List an unsold item again, on the seller's terms, as a new auction that remembers the old one."""
    _refuse(rules.relist_problem(item))
    if active_suspension(user_id=item.seller_id) is not None:
        raise ValidationError("The seller is suspended, so their item cannot be listed again.")

    event = listing_event(
        **as_listed(item),
        image_urls=listable_pictures(item.image_urls),  # a picture elsewhere, from before the rule, stays behind
        starting_price=from_minor(item.starting_price),
        reserve_price=from_minor(item.reserve_price),
        buy_now_price=from_minor(item.buy_now_price),
        duration_seconds=duration_seconds,
        now=now,
        relisted_from=str(item.pk),
        acted_by=staff.pk,
    )
    return Relisted(event=event, published=publish(event))
