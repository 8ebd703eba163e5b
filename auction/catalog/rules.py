"""What makes a listing acceptable, as a pure function shared by the sell form and the API.

Its free text (title, description, location) follows `auction.text`.
"""
from streams.money import Money, from_minor

MAX_DURATION_SECONDS = 10 * 24 * 3600
STANDARD_DURATIONS_DAYS = (1, 3, 5, 7, 10)
MAX_PRICE_MINOR = 100_000_000_00


def listing_problems(
    *,
    starting_price: Money,
    reserve_price: Money | None,
    buy_now_price: Money | None,
    duration_seconds: int,
    min_duration_seconds: int,
) -> dict[str, str]:
    """Field name → what is wrong with it, in words a seller understands; empty when all is well."""
    problems: dict[str, str] = {}
    for field, price in (("starting_price", starting_price), ("reserve_price", reserve_price), ("buy_now_price", buy_now_price)):
        if price is not None and not 0 < price.minor <= MAX_PRICE_MINOR:
            problems[field] = f"Enter an amount above 0.00 and at most {from_minor(MAX_PRICE_MINOR).format()}."
    if "starting_price" not in problems:
        if reserve_price is not None and "reserve_price" not in problems and reserve_price < starting_price:
            problems["reserve_price"] = "The reserve price cannot be below the starting price."
        if buy_now_price is not None and "buy_now_price" not in problems:
            floor = max(starting_price, reserve_price) if reserve_price is not None else starting_price
            if buy_now_price <= floor:
                problems["buy_now_price"] = "The Buy It Now price must be above the starting price and the reserve."
    if not min_duration_seconds <= duration_seconds <= MAX_DURATION_SECONDS:
        problems["duration_seconds"] = (
            f"The auction must last between {min_duration_seconds} seconds and {STANDARD_DURATIONS_DAYS[-1]} days."
        )
    return problems

