"""eBay's bid increment table, in integer minor units (cents).

The increment depends on the price it is added to, so a bid of 0.95 needs 1.00 next
while a bid of 1.00 needs 1.25. Kept as data so the table reads like the one in the issue.
"""
from bisect import bisect_right

# (lowest price the row applies to, increment), ascending.
INCREMENT_TABLE: tuple[tuple[int, int], ...] = (
    (0, 5),
    (1_00, 25),
    (5_00, 50),
    (25_00, 1_00),
    (100_00, 2_50),
    (250_00, 5_00),
    (500_00, 10_00),
    (1_000_00, 25_00),
    (2_500_00, 50_00),
    (5_000_00, 100_00),
)

_LOWER_BOUNDS = tuple(lower for lower, _ in INCREMENT_TABLE)


def increment(price: int) -> int:
    """The smallest step a bid must add to `price`."""
    if price < 0:
        raise ValueError(f"a price cannot be negative: {price}")
    return INCREMENT_TABLE[bisect_right(_LOWER_BOUNDS, price) - 1][1]


def minimum_next_bid(starting_price: int, price: int | None) -> int:
    """The lowest amount a new bid may state: the starting price until someone bids."""
    if price is None:
        return starting_price
    return price + increment(price)
