"""Analytics figures: events per second through the analytics processor's core and database writes on a
generated Nexmark-like workload, and the delay from a bid to its appearance on the analytics page.

Figures for the harness (`measure`), or printed by a standalone run. Needs PostgreSQL (a database
of its own: the analytics tables are emptied) and, for the delay, Kafka:

    eval "$(.venv/bin/python -m deploy.stack env --profile dev)"
    DATABASE_URL=postgres://postgres@127.0.0.1:35432/auction_analytics \\
        .venv/bin/python -m tests.benchmarks.bench_analytics [--events 1000000] [--bids 20] [--smoke]

Throughput replays the workload straight into the processor's sink in the runtime's batch size,
each batch one transaction with its offsets, as the runtime commits it (decoding and Kafka are
measured apart): the processor's own cost. The workload is generated ahead into a temporary
file and read back a batch at a time, so a million events never sit in memory; only the sink's
commits are timed. The delay runs the real bidding and analytics processors and polls the
page's JSON, as the page does.
"""
from __future__ import annotations

import argparse
import gc
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from itertools import islice
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.figures import Bench, Figure  # noqa: E402
from tests.benchmarks.servers import ROOT, bench_from_environment, database_url_of_django, django_for, print_figures, rss_mib  # noqa: E402

SECTION = "Analytics"
PARTITIONS = 6
GOAL = 20_000
DECODE_SAMPLE = 20_000
DELAY_TIMEOUT_S = 120


def shape_for(events: int):
    """About `events` events in all: a bid attempt yields one event on average (an extension rides along
    with some, a skipped attempt has none), and every item adds a listing and a close."""
    from tests.workloads.nexmark import Shape

    items = max(40, events // 50)
    return Shape(
        items=items, bids=events - 2 * items, sellers=max(8, items // 10), bidders=max(60, items * 2),
        hot_items=20, shills=10, span=timedelta(hours=max(1, events // 40_000)), seed=1,
    )


def arrivals(shape):
    """The workload as the processor's handler hands it to the sink: facts with their partitions and offsets."""
    from streams.analytics.facts import fact_of
    from streams.analytics.fold import Arrival
    from streams.events import Envelope
    from tests.workloads.nexmark import generate

    offsets: dict = {}
    for entry in generate(shape):
        fact = fact_of(Envelope(entry.event_id, entry.event.type, "/bench", entry.time, entry.event))
        if fact is None:
            continue
        source = (entry.topic, int(fact.item_id[:8], 16) % PARTITIONS)
        offsets[source] = offset = offsets.get(source, -1) + 1
        yield Arrival(source, offset, fact)


def _batches(items, size: int):
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _workload_file(shape, batch_size: int) -> Path:
    """The workload generated ahead, batch by batch, into a temporary file: the replay then runs the
    sink alone (the generator's CPU and memory are not in its figures) and never holds it all."""
    descriptor, name = tempfile.mkstemp(prefix="bench-analytics-", suffix=".pickle")
    with os.fdopen(descriptor, "wb") as file:
        for batch in _batches(arrivals(shape), batch_size):
            pickle.dump(batch, file, protocol=pickle.HIGHEST_PROTOCOL)
    return Path(name)


def _replayed(path: Path):
    with path.open("rb") as file:
        while True:
            try:
                yield pickle.load(file)
            except EOFError:
                return


def throughput(bench: Bench, events: int) -> list[Figure]:
    from kafka.structs import TopicPartition

    from auction.analytics import models
    from auction.analytics import processor as analytics
    from auction.analytics.policy import analytics_policy
    from auction.analytics.services import analytics_reset
    from streams.runtime.config import RuntimeConfig

    batch_size = RuntimeConfig(bootstrap_servers="").max_batch
    started = time.perf_counter()
    workload = _workload_file(shape_for(events), batch_size)
    generated_s = time.perf_counter() - started
    gc.collect()
    analytics_reset(consumer=analytics.NAME)
    sink = analytics.analytics_sink(analytics.NAME, analytics_policy())
    pid = os.getpid()
    handled, commits, rss = 0, [], []
    try:
        for batch in _replayed(workload):
            offsets = {TopicPartition(*arrival.source): arrival.offset + 1 for arrival in batch}
            started = time.perf_counter()
            sink.commit(batch, offsets)
            commits.append((time.perf_counter() - started) * 1000)
            handled += len(batch)
            if len(commits) % 50 == 1:
                rss.append(rss_mib(pid))
    finally:
        workload.unlink()
    rss.append(rss_mib(pid))
    elapsed = sum(commits) / 1000
    rate = handled / elapsed
    bench.note(
        f"Throughput: {handled:,} events ({events:,} asked; generated ahead in {generated_s:.0f} s) replayed into the sink "
        f"in {len(commits)} transactions of up to {batch_size:,} (the runtime's batch) in {elapsed:.1f} s of commits; tables then: "
        f"{models.BidFact.objects.count():,} bid facts, {models.BidWindow.objects.count():,} bid windows, "
        f"{models.ItemPane.objects.count():,} item panes, {models.AuctionSummary.objects.count():,} auction summaries, "
        f"{models.Participation.objects.count():,} participations. Load average {os.getloadavg()[0]:.1f}."
    )
    ordered = sorted(commits)
    return [
        Figure("sink (fold + PostgreSQL), offsets in the same transaction", rate, "events/s", goal=f"≥ {GOAL:,} events/s",
               samples=handled, failures=0),
        Figure(f"sink transaction of {batch_size:,} events, p50", statistics.median(ordered), "ms", samples=len(ordered)),
        Figure(f"sink transaction of {batch_size:,} events, p99", ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
               "ms", samples=len(ordered)),
        Figure("benchmark process RSS (the sink runs in it), first batch", rss[0], "MiB"),
        Figure(f"benchmark process RSS after {handled:,} events", rss[-1], "MiB", goal="flat: no growth with the events handled"),
        decoding(),
    ]


def decoding() -> Figure:
    """What the runtime's handler does per record before the sink: CloudEvents decode, then the fact."""
    from streams.analytics.facts import fact_of
    from streams.events import decode, encode
    from tests.workloads.nexmark import generate

    sample = list(islice(generate(shape_for(DECODE_SAMPLE)), DECODE_SAMPLE))
    records = [encode(e.event, source="/bench", event_id=e.event_id, time=e.time) for e in sample]
    started = time.perf_counter()
    for record in records:
        fact_of(decode(record.headers, record.key, record.value))
    return Figure("CloudEvents decode + fact (the runtime's side, one core)", len(records) / (time.perf_counter() - started),
                  "records/s", samples=len(records))


def _processor(name: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "runprocessor", name], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def _wait(check, timeout_s: float) -> float | None:
    """Seconds until `check()` holds, polled as fast as the page could; None if it never did."""
    started = time.perf_counter()
    while not check():
        if time.perf_counter() - started > timeout_s:
            return None
        time.sleep(0.005)
    return time.perf_counter() - started


def delay(bench: Bench, bids: int) -> list[Figure]:
    from django.test import Client
    from django.utils import timezone

    from auction.analytics import models
    from auction.analytics import processor as analytics
    from auction.analytics.services import analytics_reset
    from auction.publishing import publish
    from streams.events import BidPlaced, ItemListed
    from streams.money import Money
    from streams.provisioning import ensure_topics
    from streams.topics import REGISTRY

    ensure_topics(bench.bootstrap, REGISTRY)  # a fresh broker has none yet
    analytics_reset(consumer=analytics.NAME)
    env = {**os.environ, "DATABASE_URL": database_url_of_django(), "KAFKA_BOOTSTRAP_SERVERS": bench.bootstrap,
           "STREAMS_NAME_SUFFIX": f"bench{uuid.uuid4().hex[:6]}"}
    processes = {name: _processor(name, env) for name in ("bidding", "analytics")}
    delays, failures = [], 0
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
        bench.note(f"Delay: the processors started and read the broker's log up to now in {catch_up or 0:.1f} s.")
        for number in range(1, bids + 1):
            publish(BidPlaced(
                bid_id=str(uuid.uuid4()), item_id=item.item_id, bidder_id=2 + number % 2, bidder_name="bidder",
                amount=Money(minor=100 * (number + 1)), placed_at=timezone.now(),
            ))
            took = _wait(lambda: shown() >= number, timeout_s=DELAY_TIMEOUT_S)
            if took is None:
                failures += 1
            else:
                delays.append(took * 1000)
        processor_rss = rss_mib(processes["analytics"].pid)
    finally:
        for process in processes.values():
            process.terminate()
            process.wait(30)
    ms = sorted(delays) or [float("nan")]
    refresh = float(os.environ.get("ANALYTICS_REFRESH_SECONDS", "5"))
    bench.note(f"On screen, add the page's poll: {refresh:.0f} s at most, {refresh / 2:.1f} s on average.")
    return [
        Figure("bid → page JSON (bidding + analytics processors), median", statistics.median(ms), "ms",
               samples=len(delays), failures=failures),
        Figure("bid → page JSON, p95", ms[int(0.95 * (len(ms) - 1))], "ms", samples=len(delays), failures=failures),
        Figure("bid → page JSON, max", ms[-1], "ms", samples=len(delays), failures=failures),
        Figure("analytics processor RSS after the delay run", processor_rss, "MiB"),
    ]


def measure(bench: Bench) -> list[Figure]:
    """The smoke size replays 20,000 events and skips the delay (it starts two processors)."""
    django_for(bench)
    bids = bench.size(20, 0)
    return throughput(bench, bench.size(1_000_000, 20_000)) + (delay(bench, bids) if bids else [])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, help="events replayed into the sink (default: 1,000,000; smoke 20,000)")
    parser.add_argument("--bids", type=int, help="bids timed for the delay, 0 skips it (default: 20; smoke 0)")
    parser.add_argument("--smoke", action="store_true", help="the harness's tiny sizes")
    options = parser.parse_args()
    bench = bench_from_environment(smoke=options.smoke)
    events = options.events if options.events is not None else bench.size(1_000_000, 20_000)
    bids = options.bids if options.bids is not None else bench.size(20, 0)
    figures = throughput(bench, events) + (delay(bench, bids) if bids else [])
    print_figures(figures, bench)


if __name__ == "__main__":
    main()
