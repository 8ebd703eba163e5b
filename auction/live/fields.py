"""What each live part of a page shows, formatted on the server exactly as the templates show it.

Pages render an item in HTML; snapshots and pushes carry the same values as JSON, keyed by the
`data-field` names the templates put on the elements, so a field reads the same after a live
update as after a reload. Everything here is public: names are masked (except the viewer's own),
the reserve is only "met" or "not met", and no person's id leaves the server.
"""
from datetime import datetime
from typing import Any

from django.template.defaultfilters import capfirst, pluralize

from auction.accounts.masking import public_name
from auction.catalog.models import Item
from auction.catalog.templatetags.auction_tags import utc_text
from auction.catalog.presentation import (
    buy_now_offer,
    minimum_bid,
    outcome_summary,
    reserve_status,
    shown_price,
)
from streams.money import Money

Fields = dict[str, Any]


def price_label(item: Item) -> str:
    """What the big price is: it starts as the starting price and ends as the final one."""
    if item.status == Item.Status.CLOSED:
        return "Final price"
    return "Starting price" if item.current_price is None else "Current bid"


def public_fields(item: Item, *, viewer_id: int | None = None) -> Fields:
    """Every live field of an item, as `viewer_id` (None: anyone) may see it."""
    is_open = item.status == Item.Status.OPEN
    reserve = reserve_status(item)
    outcome = outcome_summary(item, viewer_id=viewer_id)
    minimum = minimum_bid(item)
    return {
        "status": item.status,
        "price": shown_price(item).display(),
        "price-label": price_label(item),
        "minimum-bid": {"text": minimum.display(), "amount": minimum.format()} if is_open else None,
        "bid-count": {"count": item.bid_count, "text": f"{item.bid_count} bid{pluralize(item.bid_count)}"},
        "reserve": None if reserve is None else {"met": bool(item.reserve_met), "text": capfirst(reserve)},
        "leader": (
            {
                "name": public_name(item.leader_name, person_id=item.leader_id, viewer_id=viewer_id),
                "you": viewer_id is not None and item.leader_id == viewer_id,
            }
            if is_open and item.leader_id
            else None
        ),
        "buy-now": buy_now_offer(item) is not None,
        "time-left": {"ends_at": item.ends_at.isoformat(), "closed": not is_open},
        "outcome": None if outcome is None else {"code": item.outcome or "ended", "text": outcome},
    }


def history_row(
    *, bidder_name: str, bidder_id: int, amount: Money, decided_at: datetime, viewer_id: int | None = None
) -> Fields:
    """One line of the public bid history: who (masked), how much, when."""
    return {
        "bidder": public_name(bidder_name, person_id=bidder_id, viewer_id=viewer_id),
        "amount": amount.display(),
        "datetime": decided_at.isoformat(),
        "time": utc_text(decided_at, "seconds"),  # as the page's own rows say it (`local_time`)
    }
