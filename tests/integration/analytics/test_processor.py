"""The analytics processor for real (Kafka, PostgreSQL, the runtime): replays, rebuilds and reorderings change nothing."""
import random
from datetime import timedelta

import pytest

from auction.analytics import models, selectors
from auction.analytics.services import analytics_reset
from auction.streaming.rebuild import rebuild
from auction.analytics import processor as analytics
from streams.analytics.windows import window_start
from streams.events import BidAccepted
from tests.integration.analytics.support import new_topics, on_topics, produce, running, snapshot, wait_caught_up
from tests.workloads.nexmark import Shape, generate

pytestmark = pytest.mark.django_db(transaction=True)

SHAPE = Shape(items=30, bids=1500, span=timedelta(minutes=20), seed=11)
LATENESS = timedelta(seconds=30)
MOVED_BY = timedelta(minutes=3)


def _chunks(entries: list, size: int):
    for start in range(0, len(entries), size):
        yield entries[start : start + size]


def _with_late_bids(entries: list, count: int, rng: random.Random) -> tuple[list, list]:
    """The log with `count` bids re-sent minutes after their time, far beyond the allowed lateness."""
    bids = [e for e in entries if isinstance(e.event, BidAccepted) and e.time < entries[-1].time - 2 * MOVED_BY]
    moved = rng.sample(bids, count)
    log = [e for e in entries if e not in moved]
    for entry in moved:
        position = next(i for i, later in enumerate(log) if later.time >= entry.time + MOVED_BY)
        log.insert(position, entry)
    return log, moved


def test_replaying_the_whole_log_into_empty_tables_reproduces_the_live_results(kafka_bootstrap, provisioned_topics):
    log, moved = _with_late_bids(list(generate(SHAPE)), 4, random.Random(3))
    topics = new_topics(kafka_bootstrap)
    analytics_reset(consumer=analytics.NAME)

    with running(kafka_bootstrap, topics, analytics.processor):
        for chunk in _chunks(log, 200):  # live: the log grows while the processor reads it
            produce(kafka_bootstrap, topics, chunk)
        wait_caught_up(kafka_bootstrap, topics, [analytics.NAME])
    live = snapshot()

    late_ids = {str(row.fact_id) for row in models.LateEvent.objects.all()}
    assert late_ids == {e.event.bid_id for e in moved}, "exactly the re-sent bids are late"
    for entry in moved:
        late = models.LateEvent.objects.get(fact_id=entry.event.bid_id)
        assert late.window_start == window_start(entry.event.decided_at, timedelta(minutes=1)), "in its own window"
        assert late.watermark > entry.event.decided_at, "its window was final when it arrived"
        on_time_in_window = models.BidFact.objects.filter(
            on_time=True, decided_at__gte=late.window_start, decided_at__lt=late.window_start + timedelta(minutes=1)
        ).count()
        assert sum(models.BidWindow.objects.filter(window_start=late.window_start).values_list("bids", flat=True)) == on_time_in_window
        summary = models.AuctionSummary.objects.get(item_id=entry.event.item_id)
        assert summary.bids == models.BidFact.objects.filter(item_id=entry.event.item_id).count(), "summaries keep late bids"
    assert selectors.late_event_total() == len(moved)

    analytics_reset(consumer=analytics.NAME)
    assert models.BidFact.objects.count() == 0
    with running(kafka_bootstrap, topics, analytics.processor):
        wait_caught_up(kafka_bootstrap, topics, [analytics.NAME])
    assert snapshot() == live

    models.BidWindow.objects.all().delete()  # damage, which a rebuild (as from the ops page) repairs
    rebuilt = rebuild(on_topics(analytics.processor, topics), bootstrap_servers=kafka_bootstrap)
    assert (rebuilt.records, rebuilt.skipped) == (len(log), 0)
    assert snapshot() == live


def test_the_same_events_in_another_order_within_the_lateness_give_identical_results(kafka_bootstrap, provisioned_topics):
    entries = list(generate(SHAPE))
    rng = random.Random(5)
    lateness_us = LATENESS // timedelta(microseconds=1)
    shuffled = sorted(entries, key=lambda e: e.time + timedelta(microseconds=rng.randint(0, lateness_us)))
    assert shuffled != entries

    results = []
    for log in (entries, shuffled):
        topics = new_topics(kafka_bootstrap)
        analytics_reset(consumer=analytics.NAME)
        produce(kafka_bootstrap, topics, log)
        with running(kafka_bootstrap, topics, analytics.processor):
            wait_caught_up(kafka_bootstrap, topics, [analytics.NAME])
        results.append(snapshot())
    assert results[1] == results[0]
    assert results[0]["lateevent"] == []
