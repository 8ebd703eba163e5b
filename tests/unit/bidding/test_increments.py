import pytest

from streams.bidding import increment, minimum_next_bid


@pytest.mark.parametrize(
    ("price", "expected"),
    [
        (0, 5),
        (99, 5),
        (1_00, 25),
        (4_99, 25),
        (5_00, 50),
        (24_99, 50),
        (25_00, 1_00),
        (99_99, 1_00),
        (100_00, 2_50),
        (249_99, 2_50),
        (250_00, 5_00),
        (499_99, 5_00),
        (500_00, 10_00),
        (999_99, 10_00),
        (1_000_00, 25_00),
        (2_499_99, 25_00),
        (2_500_00, 50_00),
        (4_999_99, 50_00),
        (5_000_00, 100_00),
        (1_000_000_000_00, 100_00),
    ],
)
def test_increment_at_each_boundary_of_the_table(price, expected):
    assert increment(price) == expected


def test_a_negative_price_has_no_increment():
    with pytest.raises(ValueError, match="negative"):
        increment(-1)


@pytest.mark.parametrize(
    ("starting_price", "price", "expected"),
    [
        (10_00, None, 10_00),  # first bid: the starting price itself
        (10_00, 10_00, 10_50),
        (1_00, 99, 1_04),  # the increment is taken at the current price
        (1_00, 1_00, 1_25),
        (1_00, 5_000_00, 5_100_00),
    ],
)
def test_minimum_next_bid(starting_price, price, expected):
    assert minimum_next_bid(starting_price, price) == expected
