from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from streams.analytics.auctions import History, Participation, summarize
from streams.analytics.facts import AcceptedBid, Close, Extension, Listing
from streams.analytics.policy import Policy
from tests.unit.analytics.memory import arrivals_of, run
from tests.unit.analytics.summary_reference import summarize_plainly
from tests.unit.analytics.test_fold import seeds, workload
from tests.workloads.nexmark import START

POLICY = Policy()
MINUTE = timedelta(minutes=1)


def _bid(bid_id: str, minutes: float, bidder: int, amount: int, price: int) -> AcceptedBid:
    return AcceptedBid(bid_id, "i1", bidder, f"bidder{bidder}", amount, price, "EUR", START + minutes * MINUTE)


HISTORY = History(
    listing=Listing("i1", 3, "seller", "Lamp", "art", "EUR", 1000, 1500, None, START, START + 5 * MINUTE),
    bids=[
        _bid("b3", 4.5, 7, 1400, 1400),
        _bid("b1", 1, 7, 1000, 1000),
        _bid("b4", 4 + 50 / 60, 9, 1700, 1600),
        _bid("b2", 2, 8, 1200, 1200),
    ],
    extensions=[Extension("x1", "i1", START + 6 * MINUTE, START + 4 * MINUTE + timedelta(seconds=50))],
    close=Close("i1", 3, "sold", 9, 1600, 1600, 4, START + 5 * MINUTE),
)


def test_a_sold_auction_is_summarised_from_its_bids_whatever_order_they_came_in():
    summary, participations = summarize(HISTORY, POLICY)
    assert (summary.top_bid, summary.second_bid, summary.spread) == (1700, 1400, 200)
    assert (summary.over_start, summary.over_reserve) == (600, 100)
    assert (summary.bids, summary.bidders, summary.first_bid_seconds, summary.extensions) == (4, 3, 60.0, 1)
    assert (summary.last_minute_bids, summary.last_minute_bid_share) == (2, 0.5)
    assert summary.last_minute_price_share == pytest.approx(400 / 600)
    assert participations == [
        Participation("i1", 7, "bidder7", 3, 2, 1400, False),
        Participation("i1", 8, "bidder8", 3, 1, 1200, False),
        Participation("i1", 9, "bidder9", 3, 1, 1700, True),
    ]


def test_an_auction_without_bids_has_no_prices_and_no_shares():
    history = History(HISTORY.listing, [], [], Close("i1", 3, "no_bids", None, None, None, 0, START + 5 * MINUTE))
    summary, participations = summarize(history, POLICY)
    assert (summary.bids, summary.top_bid, summary.spread, summary.first_bid_seconds) == (0, None, None, None)
    assert (summary.last_minute_bid_share, summary.last_minute_price_share) == (None, None)
    assert participations == []


@given(seeds)
def test_summaries_agree_with_what_the_bidding_engine_reported_at_the_close(seed):
    store = run(arrivals_of(workload(seed)), POLICY)
    assert store.summaries, "the workload closes auctions"
    for item, (summary, participations) in store.summaries.items():
        close = store.closes[item][0]
        assert summary.bids == close.bid_count == sum(p.bids for p in participations)
        assert summary.bidders == len(participations) <= summary.bids
        winners = sum(p.won for p in participations)
        assert winners == 1 if close.outcome == "sold" else winners <= (close.outcome == "bought_now")
        if summary.spread is not None:
            assert summary.spread >= 0, "the winner never pays less than a rival offered"
        for share in (summary.last_minute_bid_share, summary.last_minute_price_share):
            assert share is None or 0 <= share <= 1


def _histories():
    """Auctions with a few bidders whose bids tie on time, price and amount now and then, around the last
    minute, and who change their display name between bids."""
    bid = st.builds(
        lambda n, seconds, bidder, name, amount, price: AcceptedBid(
            f"b{n}", "i1", bidder, name, amount, price, "EUR", START + 3 * MINUTE + seconds * timedelta(seconds=1)
        ),
        st.integers(0, 10**6), st.integers(0, 150), st.integers(1, 5), st.sampled_from(["ann", "bo"]),
        st.integers(10, 20), st.integers(10, 20),
    )
    bids = st.lists(bid, max_size=25, unique_by=lambda b: b.bid_id)

    def history(bids, winner, outcome, reserve):
        amounts = [b.amount for b in bids]
        close = Close("i1", 3, outcome, winner, max(amounts, default=None) if winner else None,
                      max(amounts, default=None), len(bids), START + 5 * MINUTE)
        listing = Listing("i1", 3, "seller", "Lamp", "art", "EUR", 10, reserve, None, START, START + 5 * MINUTE)
        return History(listing, bids, [], close)

    return st.builds(history, bids, st.one_of(st.none(), st.integers(1, 6)), st.sampled_from(["sold", "reserve_not_met"]),
                     st.one_of(st.none(), st.integers(5, 25)))


@given(_histories())
def test_the_one_pass_summary_equals_the_plain_definition_of_every_measure(history):
    assert summarize(history, POLICY) == summarize_plainly(history, POLICY)
