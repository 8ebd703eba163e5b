"""The demo's market driven against the pure bidding engine on a simulated clock: no servers.

What `auction.loadgen.demo` does over HTTP, done here in memory: list what the market lists,
show each bidder who looks the item's public view, hand their bid to `streams.bidding`, close
items when their (possibly extended) end comes.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from auction.loadgen.market import Bid, BuyNow, ItemView, Market, Persona, Tuning
from streams.bidding import (
    Accepted, BidRequest, BuyNowRequest, Closed, ItemTerms, PrivateAuctionState, buy_now, close, judge_bid, open_auction,
)

T0 = datetime(2030, 1, 1, 12, 0, tzinfo=timezone.utc)
SELLER_ID = 0


@dataclass
class Result:
    values: dict[str, int] = field(default_factory=dict)
    personas: dict[str, list[Persona]] = field(default_factory=dict)
    closed: list[Closed] = field(default_factory=list)
    actions: list[tuple[Persona, Bid | BuyNow]] = field(default_factory=list)
    accepted: list[tuple[Persona, Bid]] = field(default_factory=list)


def _at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def _seconds(moment: datetime) -> float:
    return (moment - T0).total_seconds()


def view_of(state: PrivateAuctionState, bidders: list[str], now: float) -> ItemView:
    leader = None if state.leader is None else bidders[state.leader.bidder_id - 1]
    return ItemView(
        item_id=state.terms.item_id,
        open=state.status.value == "open" and _at(now) < state.ends_at,
        minimum_bid=state.minimum_next_bid,
        leader=leader,
        ends_at=_seconds(state.ends_at),
        buy_now_price=state.terms.buy_now_price,
        buy_now_available=state.buy_now_available,
    )


def simulate(seed: int, *, seconds: int = 3600, bidders: int = 30, tuning: Tuning = Tuning()) -> Result:
    names = [f"bidder-{n}" for n in range(1, bidders + 1)]
    market = Market(random.Random(seed), names, tuning)
    states: dict[str, PrivateAuctionState] = {}
    result = Result()
    for now in range(seconds):
        for _ in range(market.listings_due(now)):
            listing = market.listing()
            item_id = f"item-{len(result.values) + 1}"
            states[item_id] = open_auction(
                ItemTerms(
                    item_id=item_id, seller_id=SELLER_ID, currency="EUR", starting_price=listing.starting_price,
                    ends_at=_at(now + listing.duration_seconds), reserve_price=listing.reserve_price,
                    buy_now_price=listing.buy_now_price,
                )
            )
            result.values[item_id] = listing.value
            result.personas[item_id] = market.track(item_id, value=listing.value, starts_at=now, ends_at=now + listing.duration_seconds)
        for persona in market.due(now):
            state = states.get(persona.item_id)
            if state is None:
                continue
            action = market.decide(persona, view_of(state, names, now), now)
            if action is None:
                continue
            result.actions.append((persona, action))
            bidder_id = names.index(action.bidder) + 1
            if isinstance(action, BuyNow):
                request = BuyNowRequest(f"buy-{len(result.actions)}", action.item_id, bidder_id, action.bidder, _at(now))
                states[action.item_id], fact = buy_now(state, request, _at(now))
                if isinstance(fact, Closed):
                    result.closed.append(fact)
                    market.forget(action.item_id)
                    del states[action.item_id]
                continue
            request = BidRequest(
                bid_id=f"bid-{len(result.actions)}", item_id=action.item_id, bidder_id=bidder_id, bidder_name=action.bidder,
                amount=action.amount, currency="EUR", placed_at=_at(now), max_amount=action.max_amount,
            )
            states[action.item_id], decision = judge_bid(state, request, _at(now))
            if isinstance(decision, Accepted):
                result.accepted.append((persona, action))
        for item_id, state in list(states.items()):
            closed_state, fact = close(state, _at(now))
            if fact is not None:
                result.closed.append(fact)
                market.forget(item_id)
                del states[item_id]
    return result
