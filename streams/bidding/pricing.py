"""Proxy pricing: what the leader pays, given what the engine knows of the rivals.

The rule (eBay's, adapted to bids that state both a visible `amount` and a private maximum):

    price = max(leader.amount,
                min(leader.max, runner_up_max + increment(runner_up_max)),
                reserve  if leader.max >= reserve)

- The leader pays one increment over the best rival maximum (the increment taken at that
  maximum), but never more than their own maximum: on equal maxima the earlier bid leads and
  pays exactly that maximum.
- The leader never pays less than the amount they openly bid. That amount was at least the
  minimum next bid when placed, so the price is never below the starting price and never falls
  when the lead changes hands.
- Once the leader's maximum reaches the reserve the price rises to at least the reserve; it
  cannot pass the leader's maximum because the reserve is at most that maximum.

Every term is bounded by the leader's maximum, so the price never exceeds it. A leader raising
their own maximum is priced with `with_reserve` alone: competing against yourself must not
cost you anything, but meeting the reserve still lifts the price to it.
"""
from collections.abc import Callable

from streams.bidding.increments import increment


def proxy_price(
    leader_amount: int,
    leader_max: int,
    runner_up_max: int | None,
    reserve: int | None,
    step: Callable[[int], int] = increment,
) -> int:
    """`step` is the increment rule (the live table's unless a rule change is being tried)."""
    price = leader_amount
    if runner_up_max is not None:
        price = max(price, min(leader_max, runner_up_max + step(runner_up_max)))
    return with_reserve(price, leader_max, reserve)


def with_reserve(price: int, leader_max: int, reserve: int | None) -> int:
    if reserve is not None and leader_max >= reserve:
        return max(price, reserve)
    return price
