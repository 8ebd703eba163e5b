"""The definition of an auction's summary written plainly, a pass per measure: what the processor's
one-pass `streams.analytics.auctions.summarize` is held to (tests/unit/analytics/test_auctions.py)."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from streams.analytics.auctions import History, Participation, Summary
from streams.analytics.facts import AcceptedBid, Close, Listing
from streams.analytics.policy import Policy


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


def summarize_plainly(history: History, policy: Policy) -> tuple[Summary, list[Participation]]:
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
