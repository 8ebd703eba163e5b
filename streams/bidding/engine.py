"""The auction state machine: each input and the current state give the next state and a fact.

Pure and deterministic: no clock, no I/O. The caller passes `now` (the processor decides which
clock that is; the record timestamp makes replays judge bids exactly as before). Bids on one
item arrive in log order, so "the earlier bid" on equal maxima is the one processed first.

A bid from the current leader only raises their maximum (it must still state at least the
minimum next bid, and exceed their current maximum); the price moves only if the new maximum
meets the reserve. See `pricing` for the proxy rule and `rejections` for what is refused.

Every public change bumps `seq` by one: an accepted bid, the extension it may cause (a second
change with its own seq), a close. Rejections and no-op closes change nothing.

`close` returns None before the (possibly extended) end: a timer set for the original end
finds the auction still running and should be set again for `state.ends_at`.

Staff may end an auction early (`end_now`: the outcome is what bidding reached, as if the end
had come) or move its end later (`extend`: the new end replaces the terms' end, so soft close
counts its cap from it). Both do nothing to a closed auction.

The rules (increments, proxy bidding, Buy It Now, soft close) are a parameter, `rules`, which
live auctions leave at `LIVE_RULES`; staff try others on history (`what_if`).
"""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from streams.bidding.decisions import Accepted, Closed, Extended, Rejected
from streams.bidding.inputs import BidRequest, BuyNowRequest
from streams.bidding.pricing import proxy_price, with_reserve
from streams.bidding.rejections import bid_rejection, buy_now_rejection
from streams.bidding.rules import LIVE_RULES, Rules
from streams.bidding.soft_close import extended_end
from streams.bidding.state import PrivateAuctionState, ItemTerms, LeadingBid, Outcome, Status
from streams.bidding.view import public_view


def open_auction(terms: ItemTerms, rules: Rules = LIVE_RULES) -> PrivateAuctionState:
    terms = rules.terms_for(terms)
    return PrivateAuctionState(terms=terms, ends_at=terms.ends_at)


def judge_bid(
    state: PrivateAuctionState, bid: BidRequest, now: datetime, rules: Rules = LIVE_RULES
) -> tuple[PrivateAuctionState, Accepted | Rejected]:
    if not rules.proxy_bidding:
        bid = rules.request_for(bid)
    rejection = bid_rejection(state, bid, now, rules)
    if rejection is not None:
        return state, rejection
    leader = state.leader
    outbid_immediately = False
    if leader is None or (leader.bidder_id != bid.bidder_id and bid.ceiling > leader.max_amount):
        new_leader, runner_up_max, price = _take_lead(state, bid, rules)
    elif leader.bidder_id == bid.bidder_id:
        new_leader, runner_up_max, price = _raise_own_maximum(state, leader, bid.ceiling)
    else:
        new_leader, runner_up_max, price = _push_price(state, leader, bid.ceiling, rules)
        outbid_immediately = True
    after_bid = PrivateAuctionState(  # one new state per accepted bid (the hot path: no dataclasses.replace)
        terms=state.terms,
        ends_at=state.ends_at,
        status=state.status,
        outcome=state.outcome,
        leader=new_leader,
        runner_up_max=runner_up_max,
        price=price,
        bid_count=state.bid_count + 1,
        seq=state.seq + 1,
    )
    final, extension = (after_bid, None) if after_bid.price == state.price else _extend_if_late(after_bid, now)
    decision = Accepted(
        previous_leader_id=None if leader is None else leader.bidder_id,
        outbid_immediately=outbid_immediately,
        view=public_view(after_bid, rules),
        extended=extension,
    )
    return final, decision


def buy_now(
    state: PrivateAuctionState, request: BuyNowRequest, now: datetime, rules: Rules = LIVE_RULES
) -> tuple[PrivateAuctionState, Closed | Rejected]:
    rejection = buy_now_rejection(state, request, now, rules)
    if rejection is not None:
        return state, rejection
    price = state.terms.buy_now_price
    assert price is not None  # buy_now_rejection refuses items without one
    buyer = LeadingBid(
        bid_id=request.request_id,
        bidder_id=request.buyer_id,
        bidder_name=request.buyer_name,
        amount=price,
        max_amount=price,
        placed_at=request.requested_at,
    )
    return _close(replace(state, leader=buyer, price=price), Outcome.BOUGHT_NOW, now)


def cancel(state: PrivateAuctionState, now: datetime) -> tuple[PrivateAuctionState, Closed | None]:
    if state.status is Status.CLOSED:
        return state, None
    return _close(state, Outcome.CANCELLED, now)


def close(state: PrivateAuctionState, now: datetime) -> tuple[PrivateAuctionState, Closed | None]:
    if state.status is Status.CLOSED or now < state.ends_at:
        return state, None
    if state.leader is None:
        outcome = Outcome.NO_BIDS
    elif state.reserve_met is False:
        outcome = Outcome.RESERVE_NOT_MET
    else:
        outcome = Outcome.SOLD
    return _close(state, outcome, now)


def end_now(state: PrivateAuctionState, now: datetime) -> tuple[PrivateAuctionState, Closed | None]:
    if state.status is Status.CLOSED:
        return state, None
    return close(replace(state, ends_at=min(state.ends_at, now)), now)


def extend(state: PrivateAuctionState, ends_at: datetime, now: datetime) -> tuple[PrivateAuctionState, Extended | None]:
    """None unless the auction is open and `ends_at` is later than both its end and `now`."""
    if state.status is Status.CLOSED or ends_at <= max(state.ends_at, now):
        return state, None
    moved = replace(state, terms=replace(state.terms, ends_at=ends_at), ends_at=ends_at, seq=state.seq + 1)
    return moved, Extended(state.terms.item_id, state.ends_at, ends_at, moved.seq)


Priced = tuple[LeadingBid, "int | None", int]
"""What a bid changes: (leader, runner-up's maximum, price)."""


def _raise_own_maximum(state: PrivateAuctionState, leader: LeadingBid, ceiling: int) -> Priced:
    raised = replace(leader, max_amount=ceiling)
    assert state.price is not None  # there is a leader, so there is a price
    return raised, state.runner_up_max, with_reserve(state.price, ceiling, state.terms.reserve_price)


def _take_lead(state: PrivateAuctionState, bid: BidRequest, rules: Rules) -> Priced:
    previous = state.leader
    runner_up_max = None if previous is None else previous.max_amount
    leader = LeadingBid(
        bid_id=bid.bid_id,
        bidder_id=bid.bidder_id,
        bidder_name=bid.bidder_name,
        amount=bid.amount,
        max_amount=bid.ceiling,
        placed_at=bid.placed_at,
    )
    return leader, runner_up_max, proxy_price(
        leader.amount, leader.max_amount, runner_up_max, state.terms.reserve_price, rules.increments.increment
    )


def _push_price(state: PrivateAuctionState, leader: LeadingBid, ceiling: int, rules: Rules) -> Priced:
    """A rival bid that does not beat the leader's maximum still makes the leader pay more.

    It always becomes the runner-up: its amount is above the price, which is at least the old
    runner-up's maximum.
    """
    return leader, ceiling, proxy_price(
        leader.amount, leader.max_amount, ceiling, state.terms.reserve_price, rules.increments.increment
    )


def _extend_if_late(state: PrivateAuctionState, now: datetime) -> tuple[PrivateAuctionState, Extended | None]:
    new_end = extended_end(state.terms, state.ends_at, now)
    if new_end is None:
        return state, None
    extended = replace(state, ends_at=new_end, seq=state.seq + 1)
    return extended, Extended(state.terms.item_id, state.ends_at, new_end, extended.seq)


def _close(state: PrivateAuctionState, outcome: Outcome, now: datetime) -> tuple[PrivateAuctionState, Closed]:
    closed = replace(state, status=Status.CLOSED, outcome=outcome, seq=state.seq + 1)
    winner = closed.leader if outcome in (Outcome.SOLD, Outcome.BOUGHT_NOW) else None
    fact = Closed(
        item_id=closed.terms.item_id,
        seller_id=closed.terms.seller_id,
        outcome=outcome,
        winner_id=None if winner is None else winner.bidder_id,
        winner_name=None if winner is None else winner.bidder_name,
        final_price=None if winner is None else closed.price,
        high_bid=closed.price,
        bid_count=closed.bid_count,
        closed_at=now,
        seq=closed.seq,
    )
    return closed, fact
