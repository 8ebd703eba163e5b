"""What a shopper is told about an item, derived from its read-model row.

Pages and the JSON API both build on these (money itself is shown by `Money.display`), so "reserve met", the minimum next bid or how
an auction ended read the same everywhere. The reserve amount itself never leaves here.
"""
from datetime import datetime

from auction.accounts.masking import mask_name
from auction.catalog.models import Item
from auction.catalog.photo_urls import own_pictures
from streams.bidding import minimum_next_bid
from streams.events import Outcome
from streams.money import Money, from_minor


def shown_photos(item: Item) -> list[str]:
    """The item's pictures a page, the API or an email may show: this site's own only (`photo_urls`)."""
    return own_pictures(item.image_urls)


def shown_price(item: Item) -> Money:
    """The current price once someone has bid, else the starting price."""
    return from_minor(item.starting_price if item.current_price is None else item.current_price, item.currency)


def minimum_bid(item: Item) -> Money:
    return from_minor(minimum_next_bid(item.starting_price, item.current_price), item.currency)


def reserve_status(item: Item) -> str | None:
    """"reserve met" / "reserve not met", or None when the item has no reserve."""
    if item.reserve_price is None:
        return None
    return "reserve met" if item.reserve_met else "reserve not met"


def buy_now_offer(item: Item) -> Money | None:
    """The Buy It Now price while it can still be used."""
    if item.status != Item.Status.OPEN or not item.buy_now_available:
        return None
    return from_minor(item.buy_now_price, item.currency)


def time_left(ends_at: datetime, now: datetime) -> str:
    """The two largest units left ("2d 5h", "3m 12s"); the browser's countdown uses the same format."""
    seconds = int((ends_at - now).total_seconds())
    if seconds <= 0:
        return "Ended"
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes}m"
    if minutes:
        return f"{minutes}m {seconds}s"
    return f"{seconds}s"


def outcome_summary(item: Item, viewer_id: int | None = None) -> str | None:
    """One sentence on how a closed auction ended; None while it runs. Winners appear masked, except
    to the winner (`viewer_id`), who is told in the second person."""
    if item.status != Item.Status.CLOSED:
        return None
    final = from_minor(item.final_price, item.currency)
    won = viewer_id is not None and item.winner_id == viewer_id
    if item.outcome == Outcome.SOLD and final is not None:
        return f"You won this auction for {final.display()}" if won else f"Sold to {mask_name(item.winner_name)} for {final.display()}"
    if item.outcome == Outcome.BOUGHT_NOW and final is not None:
        if won:
            return f"You bought this with Buy It Now for {final.display()}"
        return f"Bought with Buy It Now by {mask_name(item.winner_name)} for {final.display()}"
    return {
        Outcome.NO_BIDS: "Ended with no bids",
        Outcome.RESERVE_NOT_MET: "Ended without a sale: the reserve was not met",
        Outcome.CANCELLED: "This auction was cancelled",
    }.get(item.outcome, "This auction has ended")
