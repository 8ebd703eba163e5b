"""What simulated people do, as pure choices from a seeded random generator (Nexmark-like skew).

Most bids go to a few hot items, as in the Nexmark auction benchmark: the hottest tenth of the
open items draws `hot_share` of the bids. A bid is the minimum next bid plus a little, and a
third of bidders give a proxy maximum above it.
"""
import random
from dataclasses import dataclass
from decimal import Decimal

CATEGORIES = ("art", "books", "collectibles", "electronics", "fashion", "home", "music", "sports", "toys")
NOUNS = ("lamp", "camera", "poster", "record", "vase", "watch", "jacket", "chair", "print", "radio", "kite")
ADJECTIVES = ("vintage", "rare", "handmade", "signed", "restored", "classic", "modern", "tiny", "large")
CITIES = ("paris", "berlin", "lisbon", "oslo", "rome", "vienna", "madrid", "dublin")


@dataclass(frozen=True)
class BidChoice:
    amount: Decimal
    max_amount: Decimal | None


def listing(rng: random.Random, *, duration_seconds: int) -> dict:
    start = Decimal(rng.choice((1, 5, 10, 20, 50, 100, 250)))
    body = {
        "title": f"{rng.choice(ADJECTIVES).capitalize()} {rng.choice(NOUNS)}",
        "description": "Listed by the load generator.",
        "category": rng.choice(CATEGORIES),
        "location": rng.choice(CITIES),
        "starting_price": f"{start:.2f}",
        "duration_seconds": duration_seconds,
    }
    if rng.random() < 0.3:
        body["reserve_price"] = f"{start * 2:.2f}"
    if rng.random() < 0.2:
        body["buy_now_price"] = f"{start * 5:.2f}"
    return body


def pick_item(rng: random.Random, item_ids: list[str], *, hot_share: float = 0.8) -> str:
    hot = item_ids[: max(1, len(item_ids) // 10)]
    return rng.choice(hot if rng.random() < hot_share else item_ids)


def bid(rng: random.Random, minimum: Decimal) -> BidChoice:
    amount = minimum + Decimal(rng.choice((0, 0, 0, 1, 2, 5))) * max(Decimal("0.05"), minimum / 100)
    amount = amount.quantize(Decimal("0.01"))
    if rng.random() < 1 / 3:
        return BidChoice(amount, (amount * Decimal(rng.choice(("1.1", "1.25", "1.5")))).quantize(Decimal("0.01")))
    return BidChoice(amount, None)
