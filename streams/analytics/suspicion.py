"""Bidding patterns worth a look (shill indicators), listed as candidates for staff, never as verdicts.

Two patterns, both over closed auctions:
- one seller: a bidder whose bids go mostly to one seller's items, across several of them;
- never wins: a bidder who keeps raising on several auctions and wins none of them.
Either also fits honest bidders (a collector with a favourite shop, an unlucky bargain
hunter), which is why these are candidates and the thresholds are deliberately loose.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class BidderSellerTotals:
    """One bidder's participation in the closed auctions of one seller."""

    bidder_id: int
    bidder_name: str
    seller_id: int
    auctions: int
    bids: int
    wins: int


@dataclass(frozen=True, slots=True)
class Thresholds:
    min_bids: int = 5
    """Bidders with fewer bids in total are not judged at all."""
    seller_share: float = 0.75
    seller_auctions: int = 2
    """A single auction says nothing about a preference for a seller."""
    losing_auctions: int = 3
    bids_per_auction: float = 2.0
    """"Keeps raising": on average at least this many bids in each auction lost."""


class Pattern(StrEnum):
    ONE_SELLER = "one_seller"
    NEVER_WINS = "never_wins"


@dataclass(frozen=True, slots=True)
class Candidate:
    bidder_id: int
    bidder_name: str
    pattern: Pattern
    auctions: int
    bids: int
    wins: int
    seller_id: int | None
    seller_share: float | None
    """Share of the bidder's bids that went to `seller_id`'s items."""


def candidates(rows: Iterable[BidderSellerTotals], thresholds: Thresholds = Thresholds()) -> list[Candidate]:
    """Every bidder matching a pattern, strongest first within each pattern."""
    by_bidder: dict[int, list[BidderSellerTotals]] = {}
    for row in rows:
        by_bidder.setdefault(row.bidder_id, []).append(row)
    found: list[Candidate] = []
    for bidder_id, per_seller in sorted(by_bidder.items()):
        bids = sum(row.bids for row in per_seller)
        if bids < thresholds.min_bids:
            continue
        auctions = sum(row.auctions for row in per_seller)
        wins = sum(row.wins for row in per_seller)
        name = per_seller[0].bidder_name
        favourite = max(per_seller, key=lambda row: (row.bids, -row.seller_id))
        share = favourite.bids / bids
        if share >= thresholds.seller_share and favourite.auctions >= thresholds.seller_auctions:
            found.append(Candidate(bidder_id, name, Pattern.ONE_SELLER, auctions, bids, wins, favourite.seller_id, share))
        if wins == 0 and auctions >= thresholds.losing_auctions and bids >= thresholds.bids_per_auction * auctions:
            found.append(Candidate(bidder_id, name, Pattern.NEVER_WINS, auctions, bids, wins, None, None))
    return sorted(found, key=lambda c: (c.pattern, -(c.seller_share or 0), -c.auctions, -c.bids, c.bidder_id))
