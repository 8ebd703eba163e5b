"""Per closed auction: how bidding went, recomputed from all of the auction's facts.

A summary is keyed by the auction, not by a time window, so it has no lateness: whenever a
fact about a closed auction arrives (in any order) the summary is recomputed from all of its
facts, which makes it the same for every arrival order. Bidder participation rows feed the
suspicious-pattern candidates (`streams.analytics.suspicion`).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from streams.analytics.facts import AcceptedBid, Close, Extension, Listing
from streams.analytics.policy import Policy


@dataclass(frozen=True, slots=True)
class History:
    listing: Listing
    bids: Sequence[AcceptedBid]
    extensions: Sequence[Extension]
    close: Close


@dataclass(frozen=True, slots=True)
class Summary:
    item_id: str
    title: str
    category: str
    seller_id: int
    currency: str
    outcome: str
    closed_at: datetime
    starting_price: int
    reserve_price: int | None
    final_price: int | None
    price_reached: int | None
    """The price bidding reached (the winner's price when sold); None without bids."""
    top_bid: int | None
    second_bid: int | None
    """Highest bid by anyone but the winner (or, unsold, but the top bidder)."""
    spread: int | None
    """Winning price minus the second-highest bid: what the winner paid above the competition."""
    over_start: int | None
    over_reserve: int | None
    """Price reached minus the reserve; negative when the reserve was not met. Staff only."""
    bids: int
    bidders: int
    first_bid_seconds: float | None
    """From the listing's start to the first bid."""
    last_minute_bids: int
    last_minute_bid_share: float | None
    last_minute_price_share: float | None
    """Share of the price's rise over the starting price that happened in the last minute."""
    extensions: int


@dataclass(frozen=True, slots=True)
class Participation:
    """One bidder's part in one closed auction."""

    item_id: str
    bidder_id: int
    bidder_name: str
    seller_id: int
    bids: int
    highest: int
    won: bool


def _ordered(bids: Sequence[AcceptedBid]) -> list[AcceptedBid]:
    """Decision order; ties on time fall back to price, then id, so every arrival order agrees."""
    return sorted(bids, key=lambda bid: (bid.at, bid.price, bid.bid_id))


def _price_at(bids: list[AcceptedBid], moment: datetime, starting_price: int) -> int:
    price = starting_price
    for bid in bids:
        if bid.at > moment:
            break
        price = bid.price
    return price


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole > 0 else None


def summarize(history: History, policy: Policy) -> tuple[Summary, list[Participation]]:
    listing, close = history.listing, history.close
    bids = _ordered(history.bids)
    top_bidder = bids[max(range(len(bids)), key=lambda i: (bids[i].amount, -i))].bidder_id if bids else None
    rival_of = close.winner_id if close.winner_id is not None else top_bidder
    rival_amounts = [bid.amount for bid in bids if bid.bidder_id != rival_of]
    second_bid = max(rival_amounts, default=None)
    reached = close.high_bid
    last_minute_starts = close.at - policy.last_minute
    last_minute_bids = sum(1 for bid in bids if bid.at > last_minute_starts)
    price_before_end = _price_at(bids, last_minute_starts, listing.starting_price)
    summary = Summary(
        item_id=listing.item_id,
        title=listing.title,
        category=listing.category,
        seller_id=listing.seller_id,
        currency=listing.currency,
        outcome=close.outcome,
        closed_at=close.at,
        starting_price=listing.starting_price,
        reserve_price=listing.reserve_price,
        final_price=close.final_price,
        price_reached=reached,
        top_bid=max((bid.amount for bid in bids), default=None),
        second_bid=second_bid,
        spread=None if close.final_price is None or second_bid is None else close.final_price - second_bid,
        over_start=None if reached is None else reached - listing.starting_price,
        over_reserve=None if reached is None or listing.reserve_price is None else reached - listing.reserve_price,
        bids=len(bids),
        bidders=len({bid.bidder_id for bid in bids}),
        first_bid_seconds=(bids[0].at - listing.at).total_seconds() if bids else None,
        last_minute_bids=last_minute_bids,
        last_minute_bid_share=_share(last_minute_bids, len(bids)),
        last_minute_price_share=(
            None if reached is None else _share(reached - price_before_end, reached - listing.starting_price)
        ),
        extensions=len(history.extensions),
    )
    return summary, _participations(listing, close, bids)


def _participations(listing: Listing, close: Close, bids: list[AcceptedBid]) -> list[Participation]:
    by_bidder: dict[int, list[AcceptedBid]] = {}
    for bid in bids:
        by_bidder.setdefault(bid.bidder_id, []).append(bid)
    return [
        Participation(
            item_id=listing.item_id,
            bidder_id=bidder_id,
            bidder_name=own[-1].bidder_name,
            seller_id=listing.seller_id,
            bids=len(own),
            highest=max(bid.amount for bid in own),
            won=bidder_id == close.winner_id,
        )
        for bidder_id, own in sorted(by_bidder.items())
    ]
