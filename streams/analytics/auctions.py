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
from operator import attrgetter
from typing import NamedTuple

from streams.analytics.facts import AcceptedBid, Close, Extension, Listing
from streams.analytics.policy import Policy


@dataclass(frozen=True, slots=True)
class History:
    listing: Listing
    bids: Sequence[AcceptedBid]
    extensions: Sequence[Extension]
    close: Close


class Summary(NamedTuple):
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


class Participation(NamedTuple):
    """One bidder's part in one closed auction."""

    item_id: str
    bidder_id: int
    bidder_name: str
    seller_id: int
    bids: int
    highest: int
    won: bool


_decision_order = attrgetter("at", "price", "bid_id")
"""Decision order; ties on time fall back to price, then id, so every arrival order agrees."""


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole > 0 else None


def summarize(history: History, policy: Policy) -> tuple[Summary, list[Participation]]:
    """The auction's summary and its bidders' participations, in one pass over its bids in decision order.

    The processor re-summarises every auction that closes from all its bids, so this runs over
    nearly every bid once more; tests hold it to a plain, several-pass definition.
    """
    listing, close = history.listing, history.close
    bids = sorted(history.bids, key=_decision_order)
    last_minute_starts = close.at - policy.last_minute
    own: dict[int, list] = {}
    """Per bidder: [bids, highest amount, name on their last bid]."""
    top_amount = top_bidder = None
    last_minute_bids = 0
    price_before_end = listing.starting_price
    for bid in bids:
        amount, bidder = bid.amount, bid.bidder_id
        mine = own.get(bidder)
        if mine is None:
            own[bidder] = [1, amount, bid.bidder_name]
        else:
            mine[0] += 1
            if amount > mine[1]:
                mine[1] = amount
            mine[2] = bid.bidder_name
        if top_amount is None or amount > top_amount:  # the first of equal highest amounts
            top_amount, top_bidder = amount, bidder
        if bid.at > last_minute_starts:
            last_minute_bids += 1
        else:
            price_before_end = bid.price
    rival_of = close.winner_id if close.winner_id is not None else top_bidder
    second_bid = max((mine[1] for bidder, mine in own.items() if bidder != rival_of), default=None)
    reached = close.high_bid
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
        top_bid=top_amount,
        second_bid=second_bid,
        spread=None if close.final_price is None or second_bid is None else close.final_price - second_bid,
        over_start=None if reached is None else reached - listing.starting_price,
        over_reserve=None if reached is None or listing.reserve_price is None else reached - listing.reserve_price,
        bids=len(bids),
        bidders=len(own),
        first_bid_seconds=(bids[0].at - listing.at).total_seconds() if bids else None,
        last_minute_bids=last_minute_bids,
        last_minute_bid_share=_share(last_minute_bids, len(bids)),
        last_minute_price_share=(
            None if reached is None else _share(reached - price_before_end, reached - listing.starting_price)
        ),
        extensions=len(history.extensions),
    )
    participations = [
        Participation(listing.item_id, bidder, name, listing.seller_id, count, highest, bidder == close.winner_id)
        for bidder, (count, highest, name) in sorted(own.items())
    ]
    return summary, participations
