"""The windowed measures as commutative tallies, so the order facts arrive in cannot change a total.

Every on-time fact adds to a few cells, each keyed by its tumbling window: counts and sums
add, the highest bid is a maximum with a deterministic tie-break. Adding is associative and
commutative, which is what lets the database apply each batch as `cell += delta` and still
reach the same figures for any order of the facts within the allowed lateness.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from streams.analytics.facts import AcceptedBid, Close, Listing
from streams.analytics.policy import Policy
from streams.analytics.windows import window_start

# Keys and tallies are named tuples, not dataclasses: the fold makes a few of them for every bid,
# and a tuple is built, hashed and compared in C.


class Top(NamedTuple):
    """The highest bid of a window; on equal amounts the smaller bid id wins, whatever came first."""

    amount: int
    bid_id: str
    item_id: str

    def beats(self, other: Top) -> bool:
        return _beats(self.amount, self.bid_id, other)


def _beats(amount: int, bid_id: str, top: Top) -> bool:
    return amount > top.amount or (amount == top.amount and bid_id < top.bid_id)


class BidTally(NamedTuple):
    bids: int
    top: Top

    def __add__(self, other: BidTally) -> BidTally:  # type: ignore[override]  (a tally, not a tuple concatenation)
        return BidTally(self.bids + other.bids, other.top if other.top.beats(self.top) else self.top)


class OutcomeTally(NamedTuple):
    auctions: int
    price_total: int
    """Sum of final prices, for averages; 0 for outcomes without a sale."""

    def __add__(self, other: OutcomeTally) -> OutcomeTally:  # type: ignore[override]
        return OutcomeTally(self.auctions + other.auctions, self.price_total + other.price_total)


class BidWindowKey(NamedTuple):
    """Bids per window and category (Nexmark q7's highest bid rides along)."""

    window_start: datetime
    category: str
    currency: str


class PaneKey(NamedTuple):
    """Bids on one item in one window: the panes the sliding hot-items window is summed from."""

    window_start: datetime
    item_id: str
    category: str


class OutcomeKey(NamedTuple):
    """Closed auctions per window, category and outcome (sell-through, and Nexmark q4's average price)."""

    window_start: datetime
    category: str
    outcome: str
    currency: str


def _add(cells: dict, key, tally) -> None:
    current = cells.get(key)
    cells[key] = tally if current is None else current + tally


@dataclass
class Cells:
    bid_windows: dict[BidWindowKey, BidTally] = field(default_factory=dict)
    panes: dict[PaneKey, int] = field(default_factory=dict)
    outcomes: dict[OutcomeKey, OutcomeTally] = field(default_factory=dict)

    def add_bid(self, listing: Listing, bid: AcceptedBid, policy: Policy) -> None:
        """One bid more in its window and its item's pane (the hot path: one lookup per cell, a new Top only if it wins)."""
        start = window_start(bid.at, policy.window)
        key = BidWindowKey(start, listing.category, bid.currency)
        tally = self.bid_windows.get(key)
        if tally is None:
            self.bid_windows[key] = BidTally(1, Top(bid.amount, bid.bid_id, bid.item_id))
        else:
            top = tally.top
            if _beats(bid.amount, bid.bid_id, top):
                top = Top(bid.amount, bid.bid_id, bid.item_id)
            self.bid_windows[key] = BidTally(tally.bids + 1, top)
        pane = PaneKey(start, bid.item_id, listing.category)
        panes = self.panes
        panes[pane] = panes.get(pane, 0) + 1

    def add_close(self, listing: Listing, close: Close, policy: Policy) -> None:
        key = OutcomeKey(window_start(close.at, policy.window), listing.category, close.outcome, listing.currency)
        _add(self.outcomes, key, OutcomeTally(1, close.final_price or 0))

    def merge(self, other: Cells) -> None:
        for mine, theirs in ((self.bid_windows, other.bid_windows), (self.outcomes, other.outcomes)):
            for key, tally in theirs.items():
                _add(mine, key, tally)
        for key, count in other.panes.items():
            self.panes[key] = self.panes.get(key, 0) + count
