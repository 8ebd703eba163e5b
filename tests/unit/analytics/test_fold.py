"""The processor's decisions are a function of what arrived, not of the order within the lateness."""
import functools
import random
from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from streams.analytics.cells import BidTally, BidWindowKey, Top
from streams.analytics.facts import AcceptedBid, Close, Extension, Listing
from streams.analytics.fold import Arrival
from streams.analytics.policy import Policy
from streams.analytics.windows import window_start
from tests.unit.analytics.memory import Sourced, arrivals_of, facts_of, run
from tests.workloads.nexmark import START, Shape, generate

POLICY = Policy(window=timedelta(minutes=1), allowed_lateness=timedelta(seconds=30))
LATENESS_US = POLICY.allowed_lateness // timedelta(microseconds=1)
WINDOWED = (AcceptedBid, Close)

seeds = st.integers(min_value=0, max_value=15)
"""A few workloads (each is generated once and cached); the orders and batchings vary freely."""
batchings = st.lists(st.integers(min_value=1, max_value=80), max_size=12)


@functools.lru_cache(maxsize=None)
def workload(seed: int) -> tuple[Sourced, ...]:
    shape = Shape(items=8, bids=160, categories=("art", "books"), sellers=3, bidders=10, hot_items=2, span=timedelta(minutes=6), seed=seed)
    return tuple(facts_of(generate(shape)))


def jittered(log: tuple[Sourced, ...], rng: random.Random, max_jitter_us: int) -> list[Sourced]:
    """Windowed facts moved later by up to `max_jitter_us`; listings and extensions anywhere at all."""
    span_us = int(timedelta(minutes=7) / timedelta(microseconds=1))

    def position(fact) -> datetime:
        if isinstance(fact, WINDOWED):
            return fact.at + timedelta(microseconds=rng.randint(0, max_jitter_us))
        return START + timedelta(microseconds=rng.randint(0, span_us))

    keyed = [(position(fact), index, (topic, fact)) for index, (topic, fact) in enumerate(log)]
    return [sourced for *_, sourced in sorted(keyed)]


@given(seeds, st.randoms(use_true_random=False), batchings)
def test_any_order_within_the_allowed_lateness_gives_the_in_order_results(seed, rng, batch_sizes):
    log = workload(seed)
    in_order = run(arrivals_of(log), POLICY).results()
    shuffled = run(arrivals_of(jittered(log, rng, LATENESS_US)), POLICY, batch_sizes).results()
    assert shuffled == in_order
    assert in_order["late"] == []


def _late_by_reference(arrivals: list[Arrival]) -> list:
    """Late means behind the latest event time seen before on the same partition by more than the lateness."""
    latest: dict = {}
    late = []
    for arrival in arrivals:
        fact = arrival.fact
        if not isinstance(fact, WINDOWED):
            continue
        seen = latest.get(arrival.source)
        if seen is not None and fact.at < seen - POLICY.allowed_lateness:
            late.append((fact.item_id, getattr(fact, "bid_id", ""), window_start(fact.at, POLICY.window)))
        latest[arrival.source] = fact.at if seen is None else max(seen, fact.at)
    return sorted(late)


@given(seeds, st.randoms(use_true_random=False), batchings, batchings)
def test_late_events_are_recorded_in_their_own_window_and_kept_out_of_window_figures(seed, rng, first, second):
    log = workload(seed)
    arrivals = arrivals_of(jittered(log, rng, 6 * LATENESS_US))
    live = run(arrivals, POLICY, first)
    replay = run(arrivals, POLICY, second)
    assert replay.results() == live.results(), "the same log must give the same results however it is batched"
    assert live.results()["late"] == _late_by_reference(arrivals)

    late_ids = {(late.fact.item_id, getattr(late.fact, "bid_id", None)) for late in live.late}
    on_time_only = [(t, f) for t, f in log if (f.item_id, getattr(f, "bid_id", None)) not in late_ids or not isinstance(f, WINDOWED)]
    figures_without_late = run(arrivals_of(on_time_only), POLICY).results()
    for measure in ("bid_windows", "panes", "outcomes"):
        assert live.results()[measure] == figures_without_late[measure]
    assert live.results()["summaries"] == run(arrivals_of(log), POLICY).results()["summaries"], "summaries use late facts too"


@given(seeds, st.randoms(use_true_random=False), st.integers(min_value=1, max_value=40))
def test_a_record_replayed_onto_its_topic_later_is_counted_once(seed, rng, copies):
    log = list(workload(seed))
    originals = [(index, 0, sourced) for index, sourced in enumerate(log)]
    replayed = [(rng.randint(index, len(log)), 1, log[index]) for index in (rng.randrange(len(log)) for _ in range(copies))]
    with_copies = [sourced for *_, sourced in sorted(originals + replayed, key=lambda keyed: keyed[:2])]
    assert run(arrivals_of(with_copies), POLICY).results() == run(arrivals_of(log), POLICY).results()


def _listing(item_id: str = "i1", category: str = "art") -> Listing:
    return Listing(item_id, 1, "seller", "Lamp", category, "EUR", 1000, None, None, START, START + timedelta(minutes=5))


def _bid(bid_id: str, at: datetime, amount: int = 1000, item_id: str = "i1") -> AcceptedBid:
    return AcceptedBid(bid_id, item_id, 7, "ana", amount, amount, "EUR", at)


def test_a_bid_read_before_its_listing_is_counted_when_the_listing_arrives_in_a_later_batch():
    at = START + timedelta(seconds=10)
    arrivals = [
        Arrival(("bids", 0), 0, _bid("b1", at)),
        Arrival(("items", 0), 0, _listing()),
    ]
    store = run(arrivals, POLICY, batch_sizes=[1])
    assert store.cells.bid_windows == {BidWindowKey(START, "art", "EUR"): BidTally(1, Top(1000, "b1", "i1"))}


def test_a_late_bid_counts_in_its_auction_but_not_in_its_window():
    close_at = START + timedelta(minutes=5)
    arrivals = [
        Arrival(("items", 0), 0, _listing()),
        Arrival(("bids", 0), 0, _bid("b1", START + timedelta(minutes=4), 1000)),
        Arrival(("bids", 0), 1, _bid("b2", START + timedelta(minutes=1), 900)),
        Arrival(("closed", 0), 0, Close("i1", 1, "sold", 7, 1000, 1000, 2, close_at)),
    ]
    store = run(arrivals, POLICY)
    assert [(late.fact.bid_id, late.window_start, late.watermark) for late in store.late] == [
        ("b2", START + timedelta(minutes=1), START + timedelta(minutes=3, seconds=30))
    ]
    assert sum(tally.bids for tally in store.cells.bid_windows.values()) == 1
    summary, _ = store.summaries["i1"]
    assert summary.bids == 2


def test_each_partition_has_its_own_watermark():
    arrivals = [
        Arrival(("items", 0), 0, _listing()),
        Arrival(("bids", 0), 0, _bid("b1", START + timedelta(minutes=4))),
        Arrival(("bids", 1), 0, _bid("b2", START + timedelta(minutes=1))),
    ]
    assert run(arrivals, POLICY).late == []


def test_an_extension_is_counted_once_per_event():
    extension = Extension("x1", "i1", START + timedelta(minutes=6), START + timedelta(minutes=4, seconds=30))
    arrivals = [
        Arrival(("items", 0), 0, _listing()),
        Arrival(("bids", 0), 0, extension),
        Arrival(("bids", 0), 1, extension),
        Arrival(("closed", 0), 0, Close("i1", 1, "no_bids", None, None, None, 0, START + timedelta(minutes=6))),
    ]
    summary, _ = run(arrivals, POLICY, batch_sizes=[2]).summaries["i1"]
    assert summary.extensions == 1
