"""The kinds of email the platform sends, and which of them a person may turn off."""
from enum import StrEnum


class Kind(StrEnum):
    WON = "won"
    """To the buyer of a sold or bought-now item: price, seller's contact, what happens next."""
    SOLD = "sold"
    """To the seller of a sold or bought-now item: buyer and price."""
    LOST = "lost"
    """To every other bidder of a sold item: it ended, they were outbid."""
    UNSOLD = "unsold"
    """To the seller of an item that closed without a sale, with the highest bid if any."""
    ENDED = "ended"
    """To the bidders of an item that closed without a sale."""
    CANCELLED = "cancelled"
    """To the seller and the bidders of a withdrawn item."""
    OUTBID = "outbid"
    """To the bidder who just lost the lead, while the auction runs (optional)."""
    ENDING_SOON = "ending_soon"
    """To the watchers of an item, a while before it ends (optional)."""


OPTIONAL: frozenset[Kind] = frozenset({Kind.OUTBID, Kind.ENDING_SOON})
"""Emails a person can turn off; the outcome of an auction they took part in always reaches them."""
