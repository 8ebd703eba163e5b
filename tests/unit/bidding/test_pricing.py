import pytest

from streams.bidding.pricing import proxy_price, with_reserve


@pytest.mark.parametrize(
    ("leader_amount", "leader_max", "runner_up_max", "reserve", "expected"),
    [
        pytest.param(10_00, 50_00, None, None, 10_00, id="alone: pays the amount bid"),
        pytest.param(10_00, 50_00, 20_00, None, 20_50, id="one increment over the runner-up"),
        pytest.param(10_00, 20_00, 20_00, None, 20_00, id="tie: the earlier bid pays its maximum"),
        pytest.param(10_00, 20_20, 20_00, None, 20_20, id="capped at the leader's maximum"),
        pytest.param(30_00, 50_00, 20_00, None, 30_00, id="never below the leader's own amount"),
        pytest.param(1_00, 5_00, 99, None, 1_04, id="increment taken at the runner-up's maximum"),
        pytest.param(10_00, 50_00, None, 40_00, 40_00, id="reserve met: price rises to it"),
        pytest.param(10_00, 50_00, 45_00, 40_00, 46_00, id="reserve met: competition may go above it"),
        pytest.param(10_00, 39_99, None, 40_00, 10_00, id="reserve not met: no effect"),
        pytest.param(10_00, 40_00, 20_00, 40_00, 40_00, id="reserve equal to the maximum"),
    ],
)
def test_proxy_price(leader_amount, leader_max, runner_up_max, reserve, expected):
    assert proxy_price(leader_amount, leader_max, runner_up_max, reserve) == expected


@pytest.mark.parametrize(
    ("price", "leader_max", "reserve", "expected"),
    [
        (10_00, 50_00, None, 10_00),
        (10_00, 50_00, 60_00, 10_00),
        (10_00, 60_00, 60_00, 60_00),
        (70_00, 80_00, 60_00, 70_00),
    ],
)
def test_with_reserve(price, leader_max, reserve, expected):
    assert with_reserve(price, leader_max, reserve) == expected
