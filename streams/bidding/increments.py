"""eBay's bid increment table, in integer minor units (cents).

The increment depends on the price it is added to, so a bid of 0.95 needs 1.00 next
while a bid of 1.00 needs 1.25. Kept as data so the table reads like the one in the issue.
`IncrementTable` holds any such table, so another one can be tried on history
(`streams.bidding.rules`, `streams.bidding.what_if`); the live engine uses `LIVE_INCREMENTS`.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

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


@dataclass(frozen=True, slots=True)
class IncrementTable:
    """Rows of (lowest price the row applies to, increment), ascending, the first from 0."""

    rows: tuple[tuple[int, int], ...]
    _bounds: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _steps: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        rows = tuple((int(lower), int(step)) for lower, step in self.rows)
        if not rows:
            raise ValueError("an increment table needs at least one row")
        if rows[0][0] != 0:
            raise ValueError("the first row of an increment table must start at 0")
        for (lower, _), (next_lower, _) in zip(rows, rows[1:]):
            if next_lower <= lower:
                raise ValueError("the rows of an increment table must start at ascending prices")
        if any(step <= 0 for _, step in rows):
            raise ValueError("every increment must be positive")
        object.__setattr__(self, "rows", rows)
        object.__setattr__(self, "_bounds", tuple(lower for lower, _ in rows))
        object.__setattr__(self, "_steps", tuple(step for _, step in rows))

    def increment(self, price: int) -> int:
        """The smallest step a bid must add to `price`."""
        if price < 0:
            raise ValueError(f"a price cannot be negative: {price}")
        return self._steps[bisect_right(self._bounds, price) - 1]

    def minimum_next_bid(self, starting_price: int, price: int | None) -> int:
        """The lowest amount a new bid may state: the starting price until someone bids."""
        return starting_price if price is None else price + self.increment(price)


LIVE_INCREMENTS = IncrementTable(INCREMENT_TABLE)


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
