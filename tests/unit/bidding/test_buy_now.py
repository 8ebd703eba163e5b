import pytest

from streams.bidding import Closed, Outcome, RejectReason, Rejected, buy_now, cancel, close, judge_bid, public_view
from tests.unit.bidding.builders import END, SELLER, T0, auction, bid, buy_request

BUY_NOW = 100_00
WITH_BUY_NOW = {"buy_now_price": BUY_NOW}


@pytest.mark.parametrize(
    ("bids", "reserve", "available"),
    [
        pytest.param([], None, True, id="before the first bid"),
        pytest.param([bid(2, 10_00)], None, False, id="gone after the first bid"),
        pytest.param([bid(2, 10_00, 40_00)], 50_00, True, id="with a reserve: kept while the reserve is not met"),
        pytest.param([bid(2, 10_00, 50_00)], 50_00, False, id="with a reserve: gone once the reserve is met"),
    ],
)
def test_buy_now_availability(bids, reserve, available):
    state = auction(*bids, reserve_price=reserve, buy_now_price=BUY_NOW)
    assert public_view(state).buy_now_available is available
    after, decision = buy_now(state, buy_request(7), T0)
    if available:
        assert isinstance(decision, Closed)
        assert (decision.outcome, decision.winner_id, decision.final_price) == (Outcome.BOUGHT_NOW, 7, BUY_NOW)
        assert decision.seq == state.seq + 1 == after.seq
    else:
        assert decision.reason_code is RejectReason.BUY_NOW_UNAVAILABLE
        assert after is state


def test_buying_now_closes_the_auction_at_the_buy_now_price():
    state = auction(buy_now_price=BUY_NOW)
    after, _ = buy_now(state, buy_request(7), T0)
    view = public_view(after)
    assert (view.price, view.leader_id, view.buy_now_available) == (BUY_NOW, 7, False)
    assert judge_bid(after, bid(2, 200_00), T0)[1].reason_code is RejectReason.CLOSED
    assert close(after, END) == (after, None)


@pytest.mark.parametrize(
    ("setup", "buyer", "now", "overrides", "reason"),
    [
        pytest.param(None, SELLER, T0, WITH_BUY_NOW, RejectReason.OWN_ITEM, id="the seller"),
        pytest.param(None, 7, T0, {}, RejectReason.BUY_NOW_UNAVAILABLE, id="no buy-now price"),
        pytest.param(None, 7, END, WITH_BUY_NOW, RejectReason.CLOSED, id="after the end time"),
        pytest.param(lambda s: close(s, END)[0], 7, T0, WITH_BUY_NOW, RejectReason.CLOSED, id="closed"),
        pytest.param(lambda s: cancel(s, T0)[0], 7, T0, WITH_BUY_NOW, RejectReason.CANCELLED, id="cancelled"),
    ],
)
def test_buy_now_rejections(setup, buyer, now, overrides, reason):
    state = auction(**overrides)
    if setup is not None:
        state = setup(state)
    after, decision = buy_now(state, buy_request(buyer), now)
    assert isinstance(decision, Rejected)
    assert decision.reason_code is reason
    assert after is state
