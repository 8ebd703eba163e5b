"""Staff ending an auction early or moving its end: the outcome and the soft-close rules that follow."""
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from streams.bidding import Accepted, Closed, Extended, Outcome, Status, cancel, close, end_now, extend, judge_bid
from tests.unit.bidding.builders import END, SELLER, T0, auction, bid

NOW = T0 + timedelta(days=1)


@pytest.mark.parametrize(
    ("bids", "reserve", "outcome", "winner_id", "final_price"),
    [
        pytest.param([], None, Outcome.NO_BIDS, None, None, id="no bids"),
        pytest.param([bid(2, 10_00), bid(3, 12_00)], None, Outcome.SOLD, 3, 12_00, id="sold to the leader"),
        pytest.param([bid(2, 10_00, 40_00)], 50_00, Outcome.RESERVE_NOT_MET, None, None, id="reserve not met"),
    ],
)
def test_ending_now_closes_with_the_outcome_bidding_reached(bids, reserve, outcome, winner_id, final_price):
    state = auction(*bids, reserve_price=reserve)
    after, fact = end_now(state, NOW)
    assert fact == Closed(
        item_id=state.terms.item_id,
        seller_id=SELLER,
        outcome=outcome,
        winner_id=winner_id,
        winner_name=None if winner_id is None else f"bidder {winner_id}",
        final_price=final_price,
        high_bid=state.price,
        bid_count=len(bids),
        closed_at=NOW,
        seq=state.seq + 1,
    )
    assert (after.status, after.ends_at) == (Status.CLOSED, NOW)


def test_ending_or_extending_a_closed_auction_changes_nothing():
    closed, _ = cancel(auction(bid(2, 10_00)), T0)
    assert end_now(closed, NOW) == (closed, None)
    assert extend(closed, END + timedelta(days=1), NOW) == (closed, None)


def test_ending_after_the_end_time_keeps_the_end_time():
    """The timer had not fired yet: the auction still ends when it was due to."""
    state = auction(bid(2, 10_00))
    after, fact = end_now(state, END + timedelta(seconds=5))
    assert after.ends_at == END and fact.closed_at == END + timedelta(seconds=5)


def test_extending_moves_the_end_and_counts_as_a_public_change():
    state = auction(bid(2, 10_00))
    new_end = END + timedelta(days=2)
    after, fact = extend(state, new_end, NOW)
    assert fact == Extended(state.terms.item_id, END, new_end, state.seq + 1)
    assert (after.ends_at, after.seq, after.price, after.leader) == (new_end, state.seq + 1, state.price, state.leader)
    assert close(after, END) == (after, None), "the old end no longer closes it"
    assert close(after, new_end)[1].outcome is Outcome.SOLD


@pytest.mark.parametrize(
    "new_end",
    [pytest.param(END, id="the current end"), pytest.param(END - timedelta(hours=1), id="earlier"),
     pytest.param(NOW - timedelta(seconds=1), id="in the past")],
)
def test_an_extension_must_be_later_than_the_end_and_now(new_end):
    state = auction(bid(2, 10_00))
    assert extend(state, new_end, NOW) == (state, None)


def test_soft_close_counts_its_cap_from_the_extended_end():
    state = auction(bid(2, 10_00), extension_window_seconds=120, extension_cap_seconds=600)
    new_end = END + timedelta(days=1)
    extended, _ = extend(state, new_end, NOW)
    _, decision = judge_bid(extended, bid(3, 10_50), new_end - timedelta(seconds=30))
    assert isinstance(decision, Accepted)
    assert decision.extended.ends_at == new_end + timedelta(seconds=90)


@given(days=st.integers(1, 30), bidders=st.lists(st.integers(2, 6), max_size=6))
def test_an_extension_never_changes_who_leads_or_the_price(days, bidders):
    state = auction()
    for step, bidder in enumerate(bidders):
        state, _ = judge_bid(state, bid(bidder, 1_00 + 100 * step), T0)
    after, fact = extend(state, END + timedelta(days=days), NOW)
    assert (after.leader, after.price, after.bid_count, after.runner_up_max) == (
        state.leader, state.price, state.bid_count, state.runner_up_max
    )
    assert fact.seq == after.seq == state.seq + 1
