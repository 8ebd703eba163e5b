"""A believable market, as pure decisions: items with a value, bidders with a private valuation.

Each listing comes from `CATALOGUE` with a market value; the seller starts it well below that
value. Each item draws a handful of interested bidders, each with a private valuation drawn
around the item's value (log-normal, as in Nexmark-style generators), and one of three habits:

- a **proxy** bidder arrives once and leaves one maximum bid: their valuation;
- an **incremental** bidder comes back now and then and bids the minimum while they are not
  leading and the minimum is within their valuation;
- a **sniper** waits for the last seconds and then leaves their valuation as a maximum.

Nobody ever commits more than their valuation, so with proxy pricing the price ends near the
second-highest valuation (a second-price auction), that is near the item's value.

Everything here is pure: amounts are integer cents, times are seconds on whatever clock the
caller uses (the real one for the demo, a simulated one in tests), randomness is a seeded
`random.Random`. The caller (`auction.loadgen.demo` over HTTP, or a test over the pure engine)
does the I/O: it shows the market an `ItemView` and carries out the `Bid` or `BuyNow` it gets.
"""
from __future__ import annotations

import heapq
import math
import random
from dataclasses import dataclass, field
from enum import StrEnum

# (title, category, market value in cents)
CATALOGUE: tuple[tuple[str, str, int], ...] = (
    ("Mid-century desk lamp", "home", 60_00),
    ("Vintage rangefinder camera", "electronics", 180_00),
    ("Acoustic guitar, solid spruce top", "music", 350_00),
    ("First edition novel, signed", "books", 120_00),
    ("Automatic diver's watch", "fashion", 450_00),
    ("Steel road bike, 56 cm", "sports", 380_00),
    ("Jazz vinyl record, first pressing", "music", 45_00),
    ("Hand-thrown ceramic vase", "home", 35_00),
    ("Framed botanical print", "art", 40_00),
    ("Wool peacoat, size M", "fashion", 70_00),
    ("Transistor radio, restored", "electronics", 55_00),
    ("Oak bentwood chair", "home", 90_00),
    ("Tin robot toy, boxed", "toys", 65_00),
    ("Signed football shirt", "sports", 150_00),
    ("Enamel travel poster", "collectibles", 85_00),
    ("Fountain pen, gold nib", "collectibles", 110_00),
    ("Stunt kite, two lines", "toys", 30_00),
    ("Oil painting, harbour at dusk", "art", 260_00),
    ("Mechanical keyboard", "electronics", 95_00),
    ("Leather messenger bag", "fashion", 80_00),
)
CITIES = ("Paris, France", "Berlin, Germany", "Lisbon, Portugal", "Oslo, Norway", "Rome, Italy", "Vienna, Austria")


class Habit(StrEnum):
    PROXY = "proxy"
    INCREMENTAL = "incremental"
    SNIPER = "sniper"


HABIT_WEIGHTS = {Habit.PROXY: 0.4, Habit.INCREMENTAL: 0.35, Habit.SNIPER: 0.25}


@dataclass(frozen=True)
class Tuning:
    """The knobs of the market; the defaults give a few closes and a few new listings a minute."""

    valuation_spread: float = 0.25  # sigma of the log-normal around the value
    valuation_centre: float = -0.1  # the second-highest of a few valuations then lands near the value
    valuation_cap: float = 2.0  # nobody values an item above this many times its value
    bidders_per_item: tuple[int, int] = (0, 7)  # some items draw nobody
    durations: tuple[int, int] = (4 * 60, 12 * 60)  # seconds
    listings_per_minute: float = 3.0
    max_open_items: int = 40
    start_fraction: tuple[float, float] = (0.2, 0.6)
    reserve_share: float = 0.25  # of listings with a reserve, at 0.6–0.9 of the value
    buy_now_share: float = 0.2  # of listings with a buy-now price, at 1.2–1.5 of the value
    revisit_seconds: tuple[int, int] = (15, 90)  # an incremental bidder's pause between looks
    snipe_seconds: tuple[int, int] = (2, 15)  # how long before the end a sniper bids


@dataclass(frozen=True)
class Listing:
    """What a seller puts up (cents), plus the value the market has in mind for it (not sent)."""

    title: str
    category: str
    location: str
    value: int
    starting_price: int
    reserve_price: int | None
    buy_now_price: int | None
    duration_seconds: int

    def api_body(self) -> dict:
        """The body of POST /api/items."""
        body = {
            "title": self.title,
            "description": f"{self.title}. Listed by the demo's simulated sellers.",
            "category": self.category,
            "location": self.location,
            "starting_price": cents_text(self.starting_price),
            "duration_seconds": self.duration_seconds,
        }
        if self.reserve_price is not None:
            body["reserve_price"] = cents_text(self.reserve_price)
        if self.buy_now_price is not None:
            body["buy_now_price"] = cents_text(self.buy_now_price)
        return body


@dataclass(frozen=True)
class ItemView:
    """What a bidder can see of an item when they look (the public API's item, in cents)."""

    item_id: str
    open: bool
    minimum_bid: int
    leader: str | None  # the leader's account name (the API shows it unmasked to the leader only)
    ends_at: float
    buy_now_price: int | None = None
    buy_now_available: bool = False


@dataclass(frozen=True)
class Bid:
    item_id: str
    bidder: str
    amount: int
    max_amount: int | None


@dataclass(frozen=True)
class BuyNow:
    item_id: str
    bidder: str


@dataclass
class Persona:
    """One account's interest in one item: a private valuation and a habit."""

    bidder: str
    item_id: str
    valuation: int
    habit: Habit
    done: bool = False


@dataclass
class _Tracked:
    value: int
    ends_at: float
    personas: list[Persona] = field(default_factory=list)


def cents_text(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def value_guess(starting_price: int, reserve_price: int | None, buy_now_price: int | None) -> int:
    """A value for an item the market did not list (the seeded demo items, people's listings)."""
    guess = starting_price * 3
    if reserve_price is not None:
        guess = max(guess, reserve_price * 5 // 4)
    if buy_now_price is not None:
        guess = min(guess, buy_now_price * 4 // 5) if guess > buy_now_price else guess
    return max(guess, starting_price)


class Market:
    """Decides who lists, who bids, when and how much; holds no connection to anything."""

    def __init__(self, rng: random.Random, bidders: list[str], tuning: Tuning = Tuning()) -> None:
        if not bidders:
            raise ValueError("a market needs at least one bidder account")
        self.rng = rng
        self.bidders = list(bidders)
        self.tuning = tuning
        self.items: dict[str, _Tracked] = {}
        self._wakes: list[tuple[float, int, Persona]] = []
        self._counter = 0
        self.next_listing_at = 0.0

    # listings

    def listing(self) -> Listing:
        t, rng = self.tuning, self.rng
        title, category, value = rng.choice(CATALOGUE)
        start = _round_price(value * rng.uniform(*t.start_fraction))
        reserve = _round_price(value * rng.uniform(0.6, 0.9)) if rng.random() < t.reserve_share else None
        if reserve is not None and reserve < start:
            reserve = None
        buy_now = _round_price(value * rng.uniform(1.2, 1.5)) if rng.random() < t.buy_now_share else None
        return Listing(
            title=title, category=category, location=rng.choice(CITIES), value=value,
            starting_price=start, reserve_price=reserve, buy_now_price=buy_now,
            duration_seconds=rng.randrange(t.durations[0], t.durations[1] + 1),
        )

    def listings_due(self, now: float) -> int:
        """How many new listings to put up at `now` (a Poisson stream, while few enough are open)."""
        count = 0
        if self.next_listing_at == 0.0:
            self.next_listing_at = now
        while self.next_listing_at <= now:
            self.next_listing_at += self.rng.expovariate(self.tuning.listings_per_minute / 60)
            if len(self.items) + count < self.tuning.max_open_items:
                count += 1
        return count

    # bidders

    def track(self, item_id: str, *, value: int, starts_at: float, ends_at: float, seller: str | None = None) -> list[Persona]:
        """Start following an item: draw its interested bidders and when each first looks."""
        if item_id in self.items:
            return self.items[item_id].personas
        t, rng = self.tuning, self.rng
        tracked = _Tracked(value=value, ends_at=ends_at)
        self.items[item_id] = tracked
        pool = [b for b in self.bidders if b != seller]
        low, high = t.bidders_per_item
        for bidder in rng.sample(pool, min(len(pool), rng.randint(low, high))):
            habit = rng.choices(list(HABIT_WEIGHTS), weights=list(HABIT_WEIGHTS.values()))[0]
            persona = Persona(bidder=bidder, item_id=item_id, valuation=self._valuation(value), habit=habit)
            tracked.personas.append(persona)
            if habit is Habit.SNIPER:
                first = ends_at - rng.uniform(*t.snipe_seconds)
            else:
                first = starts_at + rng.uniform(0, 0.85) * (ends_at - starts_at)
            self._wake(max(first, starts_at), persona)
        return tracked.personas

    def forget(self, item_id: str) -> None:
        """The item closed (or vanished): its bidders lose interest."""
        tracked = self.items.pop(item_id, None)
        for persona in tracked.personas if tracked else ():
            persona.done = True

    def due(self, now: float) -> list[Persona]:
        """The bidders who look at their item at `now` (each then gets one `decide`)."""
        ready = []
        while self._wakes and self._wakes[0][0] <= now:
            _, _, persona = heapq.heappop(self._wakes)
            if not persona.done:
                ready.append(persona)
        return ready

    def reschedule(self, persona: Persona, at: float) -> None:
        """Look again at `at` (the caller could not show the persona their item just now)."""
        self._wake(at, persona)

    def next_wake(self) -> float | None:
        return self._wakes[0][0] if self._wakes else None

    def decide(self, persona: Persona, view: ItemView, now: float) -> Bid | BuyNow | None:
        """What `persona` does on seeing `view` at `now`; schedules their next look if any.

        A bid never states more than the persona's valuation, as amount or as maximum.
        """
        t, rng = self.tuning, self.rng
        tracked = self.items.get(persona.item_id)
        if tracked is not None:
            tracked.ends_at = view.ends_at
        if not view.open or now >= view.ends_at:
            persona.done = True
            return None
        if view.buy_now_available and view.buy_now_price is not None and view.buy_now_price <= persona.valuation and rng.random() < 0.3:
            persona.done = True
            return BuyNow(persona.item_id, persona.bidder)
        leading = view.leader == persona.bidder
        affordable = view.minimum_bid <= persona.valuation
        if persona.habit is Habit.SNIPER:
            window = t.snipe_seconds[1]
            if view.ends_at - now > window:  # the end moved (soft close): look again just before it
                self._wake(view.ends_at - rng.uniform(*t.snipe_seconds), persona)
                return None
            persona.done = True
            return Bid(persona.item_id, persona.bidder, view.minimum_bid, persona.valuation) if affordable and not leading else None
        if persona.habit is Habit.PROXY:
            persona.done = True
            return Bid(persona.item_id, persona.bidder, view.minimum_bid, persona.valuation) if affordable and not leading else None
        # incremental: the minimum while not leading and within the valuation, then look again later
        if not affordable:
            persona.done = True
            return None
        self._wake(max(now + 1, min(now + rng.uniform(*t.revisit_seconds), view.ends_at - 1)), persona)
        return None if leading else Bid(persona.item_id, persona.bidder, view.minimum_bid, None)

    def _valuation(self, value: int) -> int:
        t = self.tuning
        factor = min(math.exp(self.rng.gauss(t.valuation_centre, t.valuation_spread)), t.valuation_cap)
        return max(1, int(value * factor))

    def _wake(self, at: float, persona: Persona) -> None:
        self._counter += 1
        heapq.heappush(self._wakes, (at, self._counter, persona))


def _round_price(cents: float) -> int:
    """Prices as sellers write them: whole euros (at least one)."""
    return max(100, int(round(cents / 100)) * 100)
