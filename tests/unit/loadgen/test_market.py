"""The demo's market: prices in the range of the items' values, bidders within their valuations."""
import random
import statistics
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from auction.loadgen.market import Bid, BuyNow, Habit, ItemView, Market, Persona, Tuning, value_guess
from streams.bidding import Outcome
from tests.unit.loadgen.simulation import simulate

HOUR = 3600


def _price(fact) -> int | None:
    return fact.final_price if fact.final_price is not None else fact.high_bid


def test_a_simulated_hour_closes_no_item_above_three_times_its_value():
    for seed in (1, 2, 3):
        result = simulate(seed, seconds=HOUR)
        priced = [fact for fact in result.closed if _price(fact) is not None]
        assert priced, "the hour closed no item with bids"
        too_high = [(f.item_id, _price(f), result.values[f.item_id]) for f in priced if _price(f) > 3 * result.values[f.item_id]]
        assert too_high == []


def test_most_sold_items_close_near_their_value():
    result = simulate(7, seconds=HOUR)
    ratios = [_price(f) / result.values[f.item_id] for f in result.closed if f.outcome is Outcome.SOLD]
    near = [r for r in ratios if 0.5 <= r <= 1.5]
    assert len(near) >= 0.8 * len(ratios), sorted(ratios)
    assert 0.8 <= statistics.median(ratios) <= 1.25


def test_no_item_sells_above_its_highest_valuation():
    """The price is set by what bidders value: never above the best of them (second-price logic)."""
    result = simulate(11, seconds=HOUR)
    for fact in result.closed:
        if fact.outcome is Outcome.SOLD:
            best = max(p.valuation for p in result.personas[fact.item_id])
            assert _price(fact) <= best


def test_a_few_items_end_every_minute_and_new_ones_keep_arriving():
    result = simulate(5, seconds=HOUR)
    per_minute = Counter(int(f.closed_at.timestamp() // 60) for f in result.closed)
    later_minutes = sorted(per_minute)[len(per_minute) // 4:]
    assert len(result.closed) >= HOUR / 60  # about one or more a minute once the first items end
    assert len(later_minutes) >= 20  # closes spread over the hour, not in one burst
    assert len(result.values) >= 2 * HOUR / 60  # listings keep arriving all hour


def test_every_habit_places_accepted_bids_and_snipers_bid_in_the_last_seconds():
    result = simulate(3, seconds=HOUR)
    habits = Counter(persona.habit for persona, _ in result.accepted)
    assert set(habits) == set(Habit)
    assert all(isinstance(action, Bid) and action.max_amount == persona.valuation for persona, action in result.accepted if persona.habit is Habit.PROXY)


def test_value_guess_for_items_the_market_did_not_list():
    assert value_guess(12_00, None, 60_00) == 36_00
    assert value_guess(45_00, 120_00, None) == 150_00
    assert value_guess(100_00, None, 150_00) == 120_00


views = st.builds(
    ItemView,
    item_id=st.just("item"),
    open=st.booleans(),
    minimum_bid=st.integers(min_value=5, max_value=10_000_000),
    leader=st.sampled_from([None, "me", "rival"]),
    ends_at=st.floats(min_value=0, max_value=10_000),
    buy_now_price=st.none() | st.integers(min_value=100, max_value=10_000_000),
    buy_now_available=st.booleans(),
)


@given(
    habit=st.sampled_from(list(Habit)),
    valuation=st.integers(min_value=1, max_value=10_000_000),
    looks=st.lists(st.tuples(views, st.floats(min_value=0, max_value=10_000)), min_size=1, max_size=8),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_a_bidder_never_bids_above_its_valuation(habit, valuation, looks, seed):
    market = Market(random.Random(seed), ["me", "rival"], Tuning())
    persona = Persona(bidder="me", item_id="item", valuation=valuation, habit=habit)
    for view, now in looks:
        action = market.decide(persona, view, now)
        if isinstance(action, Bid):
            assert action.amount == view.minimum_bid <= valuation
            assert action.max_amount is None or action.amount <= action.max_amount <= valuation
            assert view.leader != "me"  # nobody bids against themselves
        elif isinstance(action, BuyNow):
            assert view.buy_now_available and view.buy_now_price <= valuation


@given(seed=st.integers(min_value=0, max_value=2**32))
def test_listings_are_valid_for_the_site(seed):
    listing = Market(random.Random(seed), ["b"]).listing()
    assert 100 <= listing.starting_price <= listing.value
    assert listing.reserve_price is None or listing.starting_price <= listing.reserve_price < listing.value
    assert listing.buy_now_price is None or listing.buy_now_price > max(listing.starting_price, listing.reserve_price or 0)
    body = listing.api_body()
    assert "value" not in body and body["starting_price"].count(".") == 1
