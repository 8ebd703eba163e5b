"""Invariants of the engine over random sequences of bids, buy-now requests, closes and cancels."""
import json
from dataclasses import replace
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from streams.bidding import (
    MAX_BID_AMOUNT,
    Accepted,
    PrivateAuctionState,
    Closed,
    Outcome,
    Rejected,
    Status,
    buy_now,
    cancel,
    close,
    open_auction,
    judge_bid,
    public_view,
)
from tests.unit.bidding.builders import SELLER, T0, bid, buy_request, terms

BIDDERS = st.integers(SELLER, SELLER + 7)  # the seller tries to bid too


def weighted(*choices: tuple[str, int]):
    return st.sampled_from([value for value, weight in choices for _ in range(weight)])


ACTIONS = weighted(("bid", 30), ("buy_now", 2), ("close", 2), ("cancel", 1))
AMOUNT_KINDS = weighted(("plausible", 8), ("any", 1), ("absurd", 1))
MAX_KINDS = weighted(("none", 3), ("any", 4), ("tie", 2))  # ties with the leader's maximum test "earlier leads"


@st.composite
def item_terms(draw):
    start = draw(st.integers(1, 30_00))
    reserve = draw(st.none() | st.integers(start, start * 50))
    floor = start if reserve is None else reserve
    return terms(
        starting_price=start,
        reserve_price=reserve,
        buy_now_price=draw(st.none() | st.integers(floor, floor * 3)),
        ends_at=T0 + timedelta(seconds=draw(st.integers(60, 1200))),
        extension_window_seconds=draw(st.sampled_from([0, 30, 120])),
        extension_cap_seconds=draw(st.sampled_from([0, 60, 1800])),
    )


def random_bid(data, state, now):
    minimum = state.minimum_next_bid
    amounts = {
        "plausible": st.integers(minimum, minimum * 2 + 5_00),
        "any": st.integers(-1_00, minimum + 1_00),
        "absurd": st.integers(MAX_BID_AMOUNT - 1, MAX_BID_AMOUNT + 1),
    }
    amount = data.draw(amounts[data.draw(AMOUNT_KINDS)])
    maxima = {
        "none": st.none(),
        "any": st.integers(amount - 1_00, amount * 3 + 10_00),
        "tie": st.just(amount if state.leader is None else max(amount, state.leader.max_amount)),
    }
    max_amount = data.draw(maxima[data.draw(MAX_KINDS)])
    currency = data.draw(st.sampled_from(["EUR"] * 9 + ["USD"]))
    return bid(data.draw(BIDDERS), amount, max_amount, currency=currency, at=now)


def public_changes(decision) -> int:
    if isinstance(decision, Accepted):
        return 1 if decision.extended is None else 2
    return 1 if isinstance(decision, Closed) else 0


def with_other_hidden_values(data, state: PrivateAuctionState) -> PrivateAuctionState:
    """The same auction with other maxima and another reserve, as far as the public can tell.

    Each hidden value is redrawn within the bounds that keep `reserve_met` as it was.
    """
    state = replace(state, runner_up_max=data.draw(st.none() | st.integers(1, 10**9)))
    reserve, start, buy_now_price = state.terms.reserve_price, state.terms.starting_price, state.terms.buy_now_price
    if state.leader is not None:
        highest = reserve - 1 if state.reserve_met is False else state.price * 3
        state = replace(state, leader=replace(state.leader, max_amount=data.draw(st.integers(state.price, highest))))
    if reserve is not None:
        leader_max = None if state.leader is None else state.leader.max_amount
        if state.reserve_met:
            new_reserve = st.integers(start, min(leader_max, buy_now_price or leader_max))
        else:
            lowest = start if leader_max is None else max(start, leader_max + 1)
            new_reserve = st.integers(lowest, buy_now_price or lowest * 4)
        state = replace(state, terms=replace(state.terms, reserve_price=data.draw(new_reserve)))
    return state


class Ledger:
    """What every accepted commitment was, in order: enough to know who must be leading."""

    def __init__(self):
        self.ceilings: list[tuple[int, int]] = []

    def record(self, bidder_id: int, ceiling: int) -> None:
        self.ceilings.append((bidder_id, ceiling))

    def expected_leader(self) -> tuple[int, int] | None:
        # max() keeps the first of equal maxima: the earlier bid leads on ties.
        return max(self.ceilings, key=lambda entry: entry[1], default=None)

    def expected_runner_up_max(self, leader_id: int) -> int | None:
        return max((ceiling for bidder_id, ceiling in self.ceilings if bidder_id != leader_id), default=None)


def check_step(before, after, decision, action, now, ledger, data):
    ended = before.status is Status.CLOSED or now >= before.ends_at
    if action in ("bid", "buy_now") and ended:
        assert isinstance(decision, Rejected), "nothing is accepted once the auction has ended"
    if decision is None or isinstance(decision, Rejected):
        assert after is before, "a rejection or a no-op changes nothing"
    assert after.seq == before.seq + public_changes(decision)

    if before.price is not None:
        assert after.price >= before.price, "the price never falls"
    if after.leader is not None:
        assert after.terms.starting_price <= after.leader.amount <= after.price <= after.leader.max_amount
        assert (after.leader.bidder_id, after.leader.max_amount) == ledger.expected_leader()
        if after.status is Status.OPEN:
            assert after.runner_up_max == ledger.expected_runner_up_max(after.leader.bidder_id)
    hard_cap = after.terms.ends_at + timedelta(seconds=after.terms.extension_cap_seconds)
    assert before.ends_at <= after.ends_at <= hard_cap, "soft close only extends, and never past the cap"

    if isinstance(decision, Accepted):
        assert after.bid_count == before.bid_count + 1
        previous_id = None if before.leader is None else before.leader.bidder_id
        assert decision.previous_leader_id == previous_id
        kept_lead = after.leader.bidder_id == previous_id
        assert decision.outbid_immediately == (kept_lead and after.leader.max_amount == before.leader.max_amount)
    if isinstance(decision, Closed):
        assert after.status is Status.CLOSED and after.outcome is decision.outcome
        if decision.outcome is Outcome.SOLD:
            assert decision.winner_id == after.leader.bidder_id and after.reserve_met is not False

    view = public_view(after)
    assert public_view(with_other_hidden_values(data, after)) == view, "the view leaks a hidden value"
    assert PrivateAuctionState.from_dict(json.loads(json.dumps(after.to_dict()))) == after


@given(data=st.data(), item=item_terms())
def test_invariants_hold_over_random_inputs(data, item):
    state = open_auction(item)
    ledger = Ledger()
    now = T0
    for _ in range(data.draw(st.integers(0, 40))):
        now += timedelta(seconds=data.draw(st.integers(0, 30)))
        action = data.draw(ACTIONS)
        before = state
        if action == "bid":
            request = random_bid(data, state, now)
            state, decision = judge_bid(state, request, now)
            if isinstance(decision, Accepted):
                ledger.record(request.bidder_id, request.ceiling)
        elif action == "buy_now":
            state, decision = buy_now(state, buy_request(data.draw(BIDDERS), now), now)
            if isinstance(decision, Closed):
                ledger.record(decision.winner_id, decision.final_price)
        elif action == "close":
            state, decision = close(state, now)
        else:
            state, decision = cancel(state, now)
        check_step(before, state, decision, action, now, ledger, data)
