"""The one place that decides what bidders may see of an auction.

Maxima and the reserve amount are private: they would tell rivals exactly how far to go.
Everything published (bid history, live pushes, snapshots) is built from `PublicView`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from streams.bidding.rules import LIVE_RULES, Rules
from streams.bidding.state import PrivateAuctionState


@dataclass(frozen=True, slots=True)
class PublicView:
    price: int | None
    leader_id: int | None
    leader_name: str | None
    bid_count: int
    reserve_met: bool | None
    ends_at: datetime
    buy_now_available: bool
    seq: int
    minimum_next_bid: int


def public_view(state: PrivateAuctionState, rules: Rules = LIVE_RULES) -> PublicView:
    leader = state.leader
    return PublicView(
        price=state.price,
        leader_id=None if leader is None else leader.bidder_id,
        leader_name=None if leader is None else leader.bidder_name,
        bid_count=state.bid_count,
        reserve_met=state.reserve_met,
        ends_at=state.ends_at,
        buy_now_available=rules.buy_now_available(state),
        seq=state.seq,
        minimum_next_bid=rules.minimum_next_bid(state),
    )
