"""Each analytics measure, as the page reads it, against a plain SQL query over the projector's read models.

The projector and the analytics processor both consume a Nexmark-like workload (many bids on
a few hot items, a few categories, some shill-like bidders) from topics of this test's own;
the categories are the test's own too, so the read models' other rows never count.
"""
import uuid
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection

from auction.analytics import selectors
from auction.analytics.filters import filters_from
from auction.analytics.policy import analytics_policy
from auction.analytics.services import analytics_reset
from auction.analytics import processor as analytics
from auction.projector import processor as projector
from streams.analytics.suspicion import BidderSellerTotals, candidates
from streams.analytics.windows import sliding_span
from streams.events import AuctionExtended
from tests.integration.analytics.support import new_topics, produce, running, wait_caught_up
from tests.workloads.nexmark import Shape, generate

pytestmark = pytest.mark.django_db(transaction=True)

MINUTE = timedelta(minutes=1)


def _sql(query: str, *params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


BIDS = """
    FROM bidding_bid b JOIN catalog_item i ON i.id = b.item_id
    WHERE b.status = 'accepted' AND i.category = ANY(%s)
"""


def test_each_measure_matches_a_plain_sql_query_over_the_read_models(kafka_bootstrap, provisioned_topics):
    suffix = uuid.uuid4().hex[:6]
    categories = [f"{name}-{suffix}" for name in ("art", "books", "music")]
    shape = Shape(items=36, bids=1800, categories=tuple(categories), sellers=6, bidders=40, shills=3, span=timedelta(minutes=20), seed=21)
    entries = list(generate(shape))
    topics = new_topics(kafka_bootstrap)
    analytics_reset(consumer=analytics.NAME)
    produce(kafka_bootstrap, topics, entries)
    with running(kafka_bootstrap, topics, analytics.processor, projector.processor):
        wait_caught_up(kafka_bootstrap, topics, [analytics.NAME, projector.NAME])

    policy = analytics_policy()
    clock = selectors.analytics_clock(policy=policy)
    filters = filters_from({"range": "all"}, categories=categories, latest=clock.latest, earliest=clock.earliest, window=policy.window)
    assert filters.bucket == MINUTE, "the range is short enough to show every window"

    _bids_per_minute(filters, categories)
    _highest_bid_per_window(filters, categories)
    _hot_items(filters, categories, policy, entries)
    _closing_prices_and_sell_through(filters, categories)
    _auction_summaries(filters, categories, entries)
    _suspicious_bidders(categories)


def _bids_per_minute(filters, categories) -> None:
    measured = {(row["bucket"], row["category"]): row["bids"] for row in selectors.bids_over_time(filters=filters)}
    expected = dict(
        ((minute, category), count)
        for minute, category, count in _sql(
            f"SELECT date_bin('1 minute', b.decided_at, 'epoch'), i.category, count(*) {BIDS} GROUP BY 1, 2", categories
        )
    )
    assert measured == expected and len(expected) > 40, "bids per minute and category"
    for category in categories:
        narrowed = filters_from({"range": "all", "category": category}, categories=categories, latest=filters.until, earliest=filters.since, window=MINUTE)
        assert {row["category"] for row in selectors.bids_over_time(filters=narrowed)} == {category}


def _highest_bid_per_window(filters, categories) -> None:
    measured = {row["bucket"]: (row["top_amount"], row["top_bid_id"]) for row in selectors.highest_bids(filters=filters)}
    expected = {
        minute: (amount, bid_id)
        for minute, amount, bid_id in _sql(
            f"""SELECT DISTINCT ON (1) date_bin('1 minute', b.decided_at, 'epoch'), b.amount, b.id {BIDS}
                ORDER BY 1, b.amount DESC, b.id::text""",
            categories,
        )
    }
    assert measured == expected and len(expected) >= 20, "highest bid per window (q7)"


def _hot_items(filters, categories, policy, entries) -> None:
    bid_times = sorted(e.time for e in entries if e.topic == "auction.bids.history")
    for moment in (bid_times[len(bid_times) // 2], bid_times[3 * len(bid_times) // 4], bid_times[-1]):
        start, end = sliding_span(moment, policy.hot_window, policy.window)
        measured = [(row["item_id"], row["bids"]) for row in selectors.hot_items(filters=filters, latest=moment, policy=policy)]
        expected = _sql(
            f"SELECT b.item_id, count(*) {BIDS} AND b.decided_at >= %s AND b.decided_at < %s GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10",
            categories, start, end,
        )
        assert measured == [tuple(row) for row in expected], f"hot items in the 10 minutes up to {moment}"
        assert measured[0][1] > measured[-1][1], "a few items are hot"


def _closing_prices_and_sell_through(filters, categories) -> None:
    measured = {row["category"]: (row["auctions"], row["price_total"]) for row in selectors.closing_prices(filters=filters)}
    expected = {
        category: (count, total)
        for category, count, total in _sql(
            """SELECT category, count(*), sum(final_price) FROM catalog_item
               WHERE outcome IN ('sold', 'bought_now') AND category = ANY(%s) GROUP BY 1""",
            categories,
        )
    }
    assert measured == expected and len(expected) == 3, "closing prices per category (q4)"

    measured = {(row["category"], row["outcome"]): row["auctions"] for row in selectors.sell_through(filters=filters)}
    expected = dict(
        ((category, outcome), count)
        for category, outcome, count in _sql(
            "SELECT category, outcome, count(*) FROM catalog_item WHERE status = 'closed' AND category = ANY(%s) GROUP BY 1, 2",
            categories,
        )
    )
    assert measured == expected, "sell-through per category"
    assert {outcome for _, outcome in expected} >= {"sold", "no_bids", "reserve_not_met", "bought_now"}

    measured = {(row["bucket"], row["outcome"]): row["auctions"] for row in selectors.sell_through_over_time(filters=filters)}
    expected = dict(
        ((minute, outcome), count)
        for minute, outcome, count in _sql(
            """SELECT date_bin('1 minute', closed_at, 'epoch'), outcome, count(*) FROM catalog_item
               WHERE status = 'closed' AND category = ANY(%s) GROUP BY 1, 2""",
            categories,
        )
    )
    assert measured == expected, "sell-through over time"


def _auction_summaries(filters, categories, entries) -> None:
    rows = _sql(
        """SELECT i.id, count(b.id), count(DISTINCT b.bidder_id),
                  i.final_price - max(b.amount) FILTER (WHERE b.bidder_id <> i.winner_id),
                  i.high_bid - i.starting_price, i.high_bid - i.reserve_price,
                  extract(epoch FROM min(b.decided_at) - i.starts_at),
                  count(b.id) FILTER (WHERE b.decided_at > i.closed_at - interval '1 minute'),
                  i.high_bid - coalesce(
                      (SELECT p.price_after FROM bidding_bid p
                       WHERE p.item_id = i.id AND p.status = 'accepted' AND p.decided_at <= i.closed_at - interval '1 minute'
                       ORDER BY p.decided_at DESC, p.price_after DESC, p.id::text DESC LIMIT 1),
                      i.starting_price),
                  i.high_bid - i.starting_price
           FROM catalog_item i LEFT JOIN bidding_bid b ON b.item_id = i.id AND b.status = 'accepted'
           WHERE i.status = 'closed' AND i.category = ANY(%s)
           GROUP BY i.id""",
        categories,
    )
    extensions = Counter(e.event.item_id for e in entries if isinstance(e.event, AuctionExtended))
    summaries = {summary.item_id: summary for summary in selectors.auction_summaries(filters=filters)}
    assert len(summaries) == len(rows) == 36
    for item_id, bids, bidders, spread, over_start, over_reserve, first_bid, last_minute, rise_late, rise in rows:
        summary = summaries[item_id]
        measured = (summary.bids, summary.bidders, summary.spread, summary.over_start, summary.over_reserve, summary.last_minute_bids)
        assert measured == (bids, bidders, spread, over_start, over_reserve, last_minute), f"auction {item_id}"
        assert summary.first_bid_seconds == pytest.approx(None if first_bid is None else float(first_bid))
        assert summary.last_minute_bid_share == (last_minute / bids if bids else None)
        assert summary.last_minute_price_share == (rise_late / rise if rise else None)
        assert summary.extensions == extensions[str(item_id)]
    assert any(summary.extensions for summary in summaries.values()), "the workload snipes"


def _suspicious_bidders(categories) -> None:
    rows = _sql(
        """SELECT b.bidder_id, max(b.bidder_name), i.seller_id, count(DISTINCT b.item_id), count(*),
                  count(DISTINCT b.item_id) FILTER (WHERE i.winner_id = b.bidder_id)
           FROM bidding_bid b JOIN catalog_item i ON i.id = b.item_id
           WHERE b.status = 'accepted' AND i.status = 'closed' AND i.category = ANY(%s)
           GROUP BY b.bidder_id, i.seller_id""",
        categories,
    )
    expected = candidates(BidderSellerTotals(*row) for row in rows)
    assert selectors.suspicious_bidders() == expected
    assert expected, "the workload's shills are found"
