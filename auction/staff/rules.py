"""What staff may do to an auction in the state the read model shows, in words staff understand.

Pure functions of the item row and the time, so the admin can hide what cannot work and the
services refuse it with the same words. The bidding processor has the last word: a request
that races a close (the read model lags it slightly) is simply ignored there.
"""
from datetime import datetime

from auction.catalog.models import Item
from streams.events import Outcome

MAX_EXTENSION_DAYS = 30
UNSOLD = (Outcome.NO_BIDS, Outcome.RESERVE_NOT_MET)


def stop_problem(item: Item) -> str | None:
    """Why the item cannot be cancelled or ended now; None when it can."""
    if item.status != Item.Status.OPEN:
        return "This auction has already ended."
    return None


def extension_problem(item: Item, ends_at: datetime, now: datetime) -> str | None:
    stopped = stop_problem(item)
    if stopped:
        return stopped
    if ends_at <= max(item.ends_at, now):
        return "The new end must be later than the current end."
    if (ends_at - now).days >= MAX_EXTENSION_DAYS:
        return f"The new end must be within {MAX_EXTENSION_DAYS} days."
    return None


def relist_problem(item: Item) -> str | None:
    if item.status != Item.Status.CLOSED or item.outcome not in UNSOLD:
        return "Only an auction that ended unsold (no bids, or reserve not met) can be relisted."
    return None
