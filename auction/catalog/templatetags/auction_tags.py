"""Template helpers: thin wrappers so templates use the same presentation rules as the API."""
from datetime import datetime, timezone

from django import template
from django.conf import settings
from django.template.defaultfilters import date as dj_date
from django.utils.html import format_html

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


@register.simple_tag(takes_context=True)
def outcome_for_viewer(context, item) -> str | None:
    """How a closed auction ended, in the words for the person looking (the winner reads "You won …")."""
    user = context["request"].user
    return presentation.outcome_summary(item, viewer_id=user.pk if user.is_authenticated else None)


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


LOCAL_TIME_FORMATS = {
    # style: the server's UTC rendering (the same moment before script runs, and its tooltip)
    "day": "D j M, H:i",
    "date": "j M Y, H:i",
    "seconds": "j M, H:i:s",
}


def utc_text(moment: datetime, style: str) -> str:
    """The server's rendering of a moment: UTC, and saying so (what a page shows before its script runs)."""
    return dj_date(moment.astimezone(timezone.utc), LOCAL_TIME_FORMATS[style]) + " UTC"


@register.simple_tag
def local_time(moment: datetime | None, style: str = "date", item_id=None, field: str = "") -> str:
    """A `<time>` with the UTC instant in `datetime` and the title; local-time.js shows it in the
    browser's zone. `item_id`/`field` make it a live field (live.js moves it when the end moves)."""
    if moment is None:
        return ""
    utc = utc_text(moment, style)
    live = format_html(' data-item-id="{}" data-field="{}"', item_id, field) if item_id and field else ""
    return format_html(
        '<time datetime="{}" title="{}" data-local="{}"{}>{}</time>',
        moment.astimezone(timezone.utc).isoformat(), utc, style, live, utc,
    )
