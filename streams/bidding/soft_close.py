"""Soft close: a late price change gives everyone else time to answer it.

Without a hard cap two determined bidders could keep an auction open forever, so extensions
stop at `extension_cap_seconds` past the original end (the one in the item's terms).
"""
from datetime import datetime, timedelta

from streams.bidding.state import ItemTerms


def extended_end(terms: ItemTerms, ends_at: datetime, now: datetime) -> datetime | None:
    """The new end when a price change at `now` extends an auction ending at `ends_at`, else None."""
    window = timedelta(seconds=terms.extension_window_seconds)
    if now < ends_at - window:
        return None
    new_end = min(now + window, terms.ends_at + timedelta(seconds=terms.extension_cap_seconds))
    return new_end if new_end > ends_at else None
