"""The bidding rules, one table per rule."""
from datetime import timedelta

import pytest
from tests.unit.bidding.builders import END, SELLER, T0, auction, bid, terms

from streams.bidding import (
    Accepted,
    RejectReason,
    Rejected,
    cancel,
    close,
    open_auction,
    judge_bid,
    reject_unknown,
)


def accept(state, new_bid, now=T0):
    after, decision = judge_bid(state, new_bid, now)
    assert isinstance(decision, Accepted), decision
    return after, decision


@pytest.mark.parametrize(
    ("first", "price"),
    [
        pytest.param(bid(2, 1_00), 1_00, id="at the starting price"),
        pytest.param(bid(2, 3_00), 3_00, id="above the starting price: pays what it bid"),
        pytest.param(bid(2, 1_00, 50_00), 1_00, id="with a maximum, alone: pays the amount"),
    ],
)
def test_first_bid(first, price):
    after, decision = accept(open_auction(terms()), first)
    assert (after.price, after.leader.bidder_id, after.bid_count, after.seq) == (price, 2, 1, 1)
    assert decision.previous_leader_id is None
    assert decision.outbid_immediately is False


def test_first_bid_below_the_starting_price_is_rejected_with_the_starting_price_as_minimum():
    state = open_auction(terms(starting_price=5_00))
    after, decision = judge_bid(state, bid(2, 4_99), T0)
    assert decision == Rejected(RejectReason.BELOW_MINIMUM, "Your bid must be at least 5.00 EUR.", 5_00)
    assert after is state


@pytest.mark.parametrize(
    ("second", "leader", "price", "outbid_immediately"),
    [
        pytest.param(bid(3, 10_50, 30_00), 3, 20_50, False, id="higher maximum takes the lead at old max + increment"),
        pytest.param(bid(3, 25_00), 3, 25_00, False, id="an amount above the old maximum is paid in full"),
        pytest.param(bid(3, 10_50, 15_00), 2, 15_50, True, id="lower maximum pushes the price, leader stays"),
        pytest.param(bid(3, 10_50, 20_00), 2, 20_00, True, id="equal maximum: the earlier bid leads"),
        pytest.param(bid(3, 19_80), 2, 20_00, True, id="runner-up within one increment: capped at leader's max"),
    ],
)
def test_proxy_bidding_against_a_leader_with_a_maximum(second, leader, price, outbid_immediately):
    state = auction(bid(2, 10_00, 20_00))
    after, decision = accept(state, second)
    assert after.leader.bidder_id == leader
    assert after.price == price
    assert decision.outbid_immediately is outbid_immediately
    assert decision.previous_leader_id == 2
    assert decision.view.price == price


def test_the_increment_is_taken_at_the_beaten_maximum_not_at_the_price():
    state = auction(bid(2, 10_00, 25_00))  # price 10.00 (step 0.50); maximum 25.00 (step 1.00)
    after, _ = accept(state, bid(3, 10_50, 60_00))
    assert after.price == 26_00


def test_the_beaten_maximum_becomes_the_runner_up_that_prices_later_rivals():
    state = auction(bid(2, 10_00, 20_00), bid(3, 10_50, 40_00))
    after, _ = accept(state, bid(4, 21_00, 30_00))  # beats 2's maximum, not 3's
    assert (after.leader.bidder_id, after.price, after.runner_up_max) == (3, 31_00, 30_00)


def test_a_leader_raising_their_own_maximum_does_not_raise_the_price():
    state = auction(bid(2, 10_00, 20_00), bid(3, 10_50, 20_00))  # tie: 2 leads at 20.00
    after, decision = accept(state, bid(2, 20_50, 50_00))
    assert (after.price, after.leader.bidder_id, after.leader.max_amount) == (20_00, 2, 50_00)
    assert (after.bid_count, after.seq) == (3, 3)
    assert decision.outbid_immediately is False
    assert decision.previous_leader_id == 2


def test_a_leader_must_raise_their_maximum_to_bid_again():
    state = auction(bid(2, 10_00, 20_00))
    after, decision = judge_bid(state, bid(2, 15_00, 20_00), T0)
    assert decision.reason_code is RejectReason.BELOW_MINIMUM
    assert decision.minimum == 20_01
    assert "20.00 EUR" in decision.message
    assert after is state


@pytest.mark.parametrize(
    ("bids", "price", "reserve_met"),
    [
        pytest.param([bid(2, 10_00)], 10_00, False, id="below the reserve"),
        pytest.param([bid(2, 10_00, 50_00)], 50_00, True, id="maximum reaches the reserve: price rises to it"),
        pytest.param([bid(2, 10_00, 80_00)], 50_00, True, id="never above the reserve without competition"),
        pytest.param([bid(2, 10_00, 80_00), bid(3, 60_00)], 61_00, True, id="competition goes past the reserve"),
        pytest.param([bid(2, 10_00, 40_00), bid(3, 45_00)], 45_00, False, id="new leader still below the reserve"),
        pytest.param([bid(2, 10_00, 40_00), bid(2, 11_00, 50_00)], 50_00, True, id="leader's raise meets the reserve"),
    ],
)
def test_reserve(bids, price, reserve_met):
    state = auction(*bids, reserve_price=50_00)
    assert state.price == price
    assert state.reserve_met is reserve_met


def test_reserve_met_is_none_without_a_reserve():
    assert auction(bid(2, 10_00)).reserve_met is None


def _closed(state):
    return close(state, END)[0]


def _cancelled(state):
    return cancel(state, T0)[0]


@pytest.mark.parametrize(
    ("setup", "new_bid", "now", "reason", "minimum"),
    [
        pytest.param(None, bid(SELLER, 5_00), T0, RejectReason.OWN_ITEM, None, id="seller bids on own item"),
        pytest.param(None, bid(2, 5_00, currency="USD"), T0, RejectReason.CURRENCY_MISMATCH, 10_50, id="currency"),
        pytest.param(None, bid(2, 0), T0, RejectReason.INVALID_AMOUNT, 10_50, id="zero"),
        pytest.param(None, bid(2, -10_00), T0, RejectReason.INVALID_AMOUNT, 10_50, id="negative"),
        pytest.param(None, bid(2, 20_00, 15_00), T0, RejectReason.INVALID_AMOUNT, 10_50, id="maximum below amount"),
        pytest.param(None, bid(2, 1_000_000_000_01), T0, RejectReason.INVALID_AMOUNT, 10_50, id="absurd amount"),
        pytest.param(None, bid(2, 20_00, 1_000_000_000_01), T0, RejectReason.INVALID_AMOUNT, 10_50, id="absurd max"),
        pytest.param(None, bid(2, 10_49), T0, RejectReason.BELOW_MINIMUM, 10_50, id="below minimum"),
        pytest.param(None, bid(2, 10_49, 90_00), T0, RejectReason.BELOW_MINIMUM, 10_50, id="amount below, max above"),
        pytest.param(None, bid(2, 50_00), END, RejectReason.CLOSED, None, id="at the end time"),
        pytest.param(_closed, bid(2, 50_00), T0, RejectReason.CLOSED, None, id="after close"),
        pytest.param(_cancelled, bid(2, 50_00), T0, RejectReason.CANCELLED, None, id="after cancel"),
    ],
)
def test_rejections(setup, new_bid, now, reason, minimum):
    state = auction(bid(3, 10_00))
    if setup is not None:
        state = setup(state)
    after, decision = judge_bid(state, new_bid, now)
    assert isinstance(decision, Rejected)
    assert (decision.reason_code, decision.minimum) == (reason, minimum)
    assert decision.message.endswith(".") and len(decision.message) > 10
    assert after is state


def test_unknown_item_is_rejected_without_state():
    decision = reject_unknown()
    assert decision.reason_code is RejectReason.UNKNOWN_ITEM
    assert decision.minimum is None


def test_a_bid_just_before_the_end_is_judged_normally():
    state = auction(bid(3, 10_00))
    _, decision = judge_bid(state, bid(2, 10_50), END - timedelta(microseconds=1))
    assert isinstance(decision, Accepted)
