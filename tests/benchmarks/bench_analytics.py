"""Analytics figures: events per second through the analytics processor's core and database writes on a
generated Nexmark-like workload, and the delay from a bid to its appearance on the analytics page.

Prints figures, asserts nothing. Needs PostgreSQL (DATABASE_URL, a database of its own: the
analytics tables are emptied) and, for the delay, Kafka (KAFKA_BOOTSTRAP_SERVERS, topics provisioned):

    DATABASE_URL=postgres://postgres@127.0.0.1:35432/auction_analytics KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:39092 \\
        .venv/bin/python -m tests.benchmarks.bench_analytics [--events 1000000] [--bids 20]

Throughput replays the workload straight into the sink in the runtime's batch size (decoding
and Kafka are measured apart), so it is the processor's own cost. The delay runs the real
bidding and analytics processors and polls the page's JSON, as the page does.
"""
import argparse
import os
import statistics
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "auction.settings")
django.setup()

from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from auction.analytics import models  # noqa: E402
from auction.analytics import processor as analytics  # noqa: E402
from auction.analytics.policy import analytics_policy  # noqa: E402
from auction.analytics.services import analytics_reset  # noqa: E402
from auction.publishing import publish  # noqa: E402
from streams.analytics.facts import fact_of  # noqa: E402
from streams.analytics.fold import Arrival  # noqa: E402
from streams.events import BidPlaced, Envelope, ItemListed, decode, encode  # noqa: E402
from streams.money import Money  # noqa: E402
from streams.runtime.config import RuntimeConfig  # noqa: E402
from tests.workloads.nexmark import Shape, generate  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
BATCH = RuntimeConfig(bootstrap_servers="").max_batch
PARTITIONS = 6


def shape_for(events: int) -> Shape:
    """About `events` events in all: a bid attempt yields one event on average (an extension rides along
    with some, a skipped attempt has none), and every item adds a listing and a close."""
    items = max(40, events // 50)
    return Shape(
        items=items, bids=events - 2 * items, sellers=max(8, items // 10), bidders=max(60, items * 2),
        hot_items=20, shills=10, span=timedelta(hours=max(1, events // 40_000)), seed=1,
    )


def arrivals(shape: Shape):
    offsets: dict = {}
    for entry in generate(shape):
        fact = fact_of(Envelope(entry.event_id, entry.event.type, "/bench", entry.time, entry.event))
        if fact is None:
            continue
        source = (entry.topic, hash(fact.item_id) % PARTITIONS)
        offsets[source] = offset = offsets.get(source, -1) + 1
        yield Arrival(source, offset, fact)


def throughput(events: int) -> None:
    shape = shape_for(events)
    started = time.perf_counter()
    log = list(arrivals(shape))
    generated = time.perf_counter() - started
    print(f"workload: {len(log):,} facts ({shape.items:,} items, {shape.bids:,} bid attempts) generated in {generated:.1f} s")

    sample = [entry for _, entry in zip(range(20_000), generate(shape))]
    records = [encode(e.event, source="/bench", event_id=e.event_id, time=e.time) for e in sample]
    started = time.perf_counter()
    for record in records:
        fact_of(decode(record.headers, record.key, record.value))
    decoding = len(records) / (time.perf_counter() - started)
    print(f"CloudEvents decode + fact: {decoding:,.0f} records/s (runtime side, per core)")

    analytics_reset(consumer=analytics.NAME)
    sink = analytics.analytics_sink(analytics.NAME, analytics_policy())
    started = time.perf_counter()
    for start in range(0, len(log), BATCH):
        sink.commit(log[start : start + BATCH], {})
    elapsed = time.perf_counter() - started
    print(f"sink (fold + PostgreSQL, batches of {BATCH}): {len(log):,} facts in {elapsed:.1f} s = {len(log) / elapsed:,.0f} events/s")
    print(
        f"  tables: {models.BidFact.objects.count():,} bids, {models.BidWindow.objects.count():,} bid windows, "
        f"{models.ItemPane.objects.count():,} item panes, {models.AuctionSummary.objects.count():,} auction summaries"
    )


def _processor(name: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "runprocessor", name], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def _wait(check, timeout_s: float = 120) -> float:
    started = time.perf_counter()
    while not check():
        if time.perf_counter() - started > timeout_s:
            raise TimeoutError("no result in time")
        time.sleep(0.005)
    return time.perf_counter() - started


def delay(bids: int) -> None:
    analytics_reset(consumer=analytics.NAME)
    env = {**os.environ, "STREAMS_NAME_SUFFIX": f"bench{uuid.uuid4().hex[:6]}"}
    processes = [_processor("bidding", env), _processor("analytics", env)]
    try:
        category = f"bench-{uuid.uuid4().hex[:6]}"
        now = timezone.now()
        item = ItemListed(
            item_id=str(uuid.uuid4()), seller_id=1, seller_name="bench", title="Bench lamp", description="", category=category,
            location="", starting_price=Money(minor=100), starts_at=now, ends_at=now + timedelta(hours=1),
        )
        publish(item)
        client = Client()

        def shown() -> int:
            return client.get(f"/analytics/data.json?category={category}&range=15m").json()["kpis"]["bids"]

        catch_up = _wait(lambda: models.ListingFact.objects.filter(item_id=item.item_id).exists(), timeout_s=600)
        print(f"processors started and replayed the shared log in {catch_up:.1f} s")
        delays = []
        for number in range(1, bids + 1):
            publish(BidPlaced(
                bid_id=str(uuid.uuid4()), item_id=item.item_id, bidder_id=2 + number % 2, bidder_name="bidder",
                amount=Money(minor=100 * (number + 1)), placed_at=timezone.now(),
            ))
            delays.append(_wait(lambda: shown() == number))
        refresh = float(os.environ.get("ANALYTICS_REFRESH_SECONDS", "5"))
        ms = sorted(d * 1000 for d in delays)
        print(
            f"bid → page JSON ({bids} bids, bidding + analytics processors): median {statistics.median(ms):.0f} ms, "
            f"p95 {ms[int(0.95 * (len(ms) - 1))]:.0f} ms, max {ms[-1]:.0f} ms; "
            f"on screen add the page's poll, {refresh:.0f} s at most ({refresh / 2:.1f} s on average)"
        )
    finally:
        for process in processes:
            process.terminate()
            process.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--bids", type=int, default=20, help="bids timed for the delay (0 skips it)")
    options = parser.parse_args()
    throughput(options.events)
    if options.bids:
        delay(options.bids)


if __name__ == "__main__":
    main()
