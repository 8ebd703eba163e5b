from datetime import timedelta

import pytest

from streams.bidding import Closed, Outcome, Status, cancel, close
from tests.unit.bidding.builders import END, SELLER, T0, auction, bid


@pytest.mark.parametrize(
    ("bids", "reserve", "outcome", "winner_id", "final_price", "high_bid"),
    [
        pytest.param([], None, Outcome.NO_BIDS, None, None, None, id="no bids"),
        pytest.param([], 50_00, Outcome.NO_BIDS, None, None, None, id="no bids, with a reserve"),
        pytest.param([bid(2, 10_00), bid(3, 12_00)], None, Outcome.SOLD, 3, 12_00, 12_00, id="sold"),
        pytest.param([bid(2, 10_00, 40_00)], 50_00, Outcome.RESERVE_NOT_MET, None, None, 10_00, id="reserve not met"),
        pytest.param([bid(2, 10_00, 60_00)], 50_00, Outcome.SOLD, 2, 50_00, 50_00, id="reserve met"),
    ],
)
def test_close_at_the_end_time_gives_the_outcome(bids, reserve, outcome, winner_id, final_price, high_bid):
    state = auction(*bids, reserve_price=reserve)
    after, fact = close(state, END)
    assert fact == Closed(
        item_id=state.terms.item_id,
        seller_id=SELLER,
        outcome=outcome,
        winner_id=winner_id,
        winner_name=None if winner_id is None else f"bidder {winner_id}",
        final_price=final_price,
        high_bid=high_bid,
        bid_count=len(bids),
        closed_at=END,
        seq=state.seq + 1,
    )
    assert (after.status, after.outcome, after.seq) == (Status.CLOSED, outcome, state.seq + 1)


def test_close_before_the_end_time_changes_nothing():
    state = auction(bid(2, 10_00))
    assert close(state, END - timedelta(seconds=1)) == (state, None)


def test_close_is_idempotent():
    closed, _ = close(auction(bid(2, 10_00)), END)
    assert close(closed, END + timedelta(hours=1)) == (closed, None)
    assert cancel(closed, END) == (closed, None)


def test_cancel_closes_at_once_without_a_winner():
    state = auction(bid(2, 10_00))
    after, fact = cancel(state, T0)
    assert (fact.outcome, fact.winner_id, fact.final_price, fact.high_bid) == (Outcome.CANCELLED, None, None, 10_00)
    assert (after.status, after.seq) == (Status.CLOSED, state.seq + 1)
    assert cancel(after, T0) == (after, None)
    assert close(after, END) == (after, None)
