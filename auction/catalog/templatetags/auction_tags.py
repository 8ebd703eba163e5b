"""Template helpers: thin wrappers so templates use the same presentation rules as the API."""
from datetime import datetime

from django import template
from django.conf import settings

from auction.accounts.masking import mask_name, public_name
from auction.catalog import presentation
from auction.catalog.categories import CATEGORIES, CATEGORY_LABELS
from streams.money import Money, from_minor

register = template.Library()

register.filter("masked", mask_name)
register.filter("shown_photos", presentation.shown_photos)
register.filter("shown_price", presentation.shown_price)
register.filter("minimum_bid", presentation.minimum_bid)
register.filter("reserve_status", presentation.reserve_status)
register.filter("buy_now_offer", presentation.buy_now_offer)
register.filter("outcome_summary", presentation.outcome_summary)


@register.filter
def money(value: Money | None) -> str:
    return "" if value is None else value.display()


@register.filter
def minor_money(minor: int | None, currency: str) -> str:
    """`{{ bid.amount|minor_money:bid.currency }}`: an integer of minor units, for people."""
    return "" if minor is None else from_minor(minor, currency).display()


@register.filter
def time_left(ends_at: datetime, now: datetime) -> str:
    return presentation.time_left(ends_at, now)


@register.filter
def category_label(code: str) -> str:
    return CATEGORY_LABELS.get(code, code)


@register.simple_tag(takes_context=True)
def bidder_name(context, name: str, person_id: int | None) -> str:
    """Masked, except for the person looking: "you" sees their own name."""
    user = context["request"].user
    return public_name(name, person_id=person_id, viewer_id=user.pk if user.is_authenticated else None)


@register.simple_tag
def categories() -> tuple[tuple[str, str], ...]:
    return CATEGORIES


@register.simple_tag
def site_name() -> str:
    return settings.SITE_NAME
