from dataclasses import replace
from datetime import timedelta

import pytest

from streams.bidding import Accepted, close, judge_bid
from tests.unit.bidding.builders import END, auction, bid

WINDOW = timedelta(seconds=120)
CAP = timedelta(seconds=1800)


@pytest.mark.parametrize(
    ("ends_at", "now", "extended_to"),
    [
        pytest.param(END, END - timedelta(seconds=121), None, id="before the window: no extension"),
        pytest.param(END, END - WINDOW, None, id="window edge: now + N is the current end, nothing to move"),
        pytest.param(END, END - timedelta(seconds=30), END + timedelta(seconds=90), id="inside the window"),
        pytest.param(END + CAP - timedelta(seconds=60), END + CAP - timedelta(seconds=90), END + CAP, id="cut at cap"),
        pytest.param(END + CAP, END + CAP - timedelta(seconds=1), None, id="cap reached: no more extensions"),
    ],
)
def test_a_price_change_late_in_the_auction_extends_it(ends_at, now, extended_to):
    state = replace(auction(bid(2, 10_00)), ends_at=ends_at)  # as if extended before
    after, decision = judge_bid(state, bid(3, 10_50), now)
    assert isinstance(decision, Accepted)
    if extended_to is None:
        assert decision.extended is None
        assert (after.ends_at, after.seq) == (ends_at, state.seq + 1)
    else:
        assert (decision.extended.previous_ends_at, decision.extended.ends_at) == (ends_at, extended_to)
        assert decision.view.seq == state.seq + 1
        assert decision.view.ends_at == ends_at  # the bid's own change comes before the extension
        assert decision.extended.seq == after.seq == state.seq + 2
        assert after.ends_at == extended_to


def test_a_bid_that_does_not_change_the_price_does_not_extend():
    state = auction(bid(2, 10_00, 20_00))
    _, decision = judge_bid(state, bid(2, 10_50, 30_00), END - timedelta(seconds=10))  # leader raises own max
    assert isinstance(decision, Accepted)
    assert decision.extended is None


def test_the_window_and_cap_come_from_the_item_terms():
    state = auction(bid(2, 10_00), extension_window_seconds=600, extension_cap_seconds=300)
    _, decision = judge_bid(state, bid(3, 10_50), END - timedelta(seconds=500))
    assert decision.extended.ends_at == END + timedelta(seconds=100)


def test_an_extended_auction_does_not_close_at_its_original_end():
    state = auction(bid(2, 10_00))
    extended, _ = judge_bid(state, bid(3, 10_50), END - timedelta(seconds=30))
    assert close(extended, END) == (extended, None)
    assert close(extended, extended.ends_at)[1] is not None
