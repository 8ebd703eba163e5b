import json
from datetime import datetime

import pytest

from streams.bidding import PrivateAuctionState, cancel, close
from tests.unit.bidding.builders import END, auction, bid, terms


@pytest.mark.parametrize(
    "state",
    [
        pytest.param(auction(), id="fresh"),
        pytest.param(auction(bid(2, 10_00, 30_00), bid(3, 12_00), reserve_price=50_00, buy_now_price=90_00), id="bids"),
        pytest.param(close(auction(bid(2, 10_00)), END)[0], id="closed"),
        pytest.param(cancel(auction(), END)[0], id="cancelled"),
    ],
)
def test_state_round_trips_through_json(state):
    restored = PrivateAuctionState.from_dict(json.loads(json.dumps(state.to_dict())))
    assert restored == state


@pytest.mark.parametrize(
    ("overrides", "complaint"),
    [
        ({"starting_price": 0}, "starting price must be positive"),
        ({"reserve_price": 50}, "reserve price cannot be below"),
        ({"buy_now_price": 50}, "buy-now price cannot be below"),
        ({"reserve_price": 50_00, "buy_now_price": 40_00}, "buy-now price cannot be below"),
        ({"extension_window_seconds": -1}, "cannot be negative"),
        ({"ends_at": datetime(2030, 1, 1)}, "time zone"),
    ],
)
def test_terms_that_would_break_the_rules_are_refused(overrides, complaint):
    with pytest.raises(ValueError, match=complaint):
        terms(**overrides)
