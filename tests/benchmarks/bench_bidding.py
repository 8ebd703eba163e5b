"""The bidding processor: decisions per second next to a bare kafka-python loop, the projector behind
it, and its memory over a long run of auctions. Prints figures, asserts nothing.

    eval "$(.venv/bin/python -m deploy.stack env --profile dev)"
    DATABASE_URL=postgres://postgres@127.0.0.1:35432/auction_bench .venv/bin/python tests/benchmarks/bench_bidding.py \\
        [--bids 50000 --items 600 --auctions 100000]

Decisions: the real bidding processor (`streams.processors.bidding`), on private copies of the
auction topics, run by the runtime exactly-once in this process: it restores its (empty) state,
then decides every pre-loaded `BidPlaced` — each joined with its item's state, judged by the
engine, answered with `BidAccepted` or `BidRejected`, the new state written to the changelog,
all in one Kafka transaction per batch. The clock starts when the first record is handled and
stops when every bid is decided and committed. Bids follow a Nexmark-like skew (most go to a few
hot items); a third carry a proxy maximum. The baseline, measured in the same call on the same
broker: the simplest kafka-python consume→produce loop (at-least-once, no transaction, no
decoding) over the same bid records.

Projector: `auction.projector.processor` (exactly-once into PostgreSQL) reads the same private
topics — listings, bids and decisions — into the read models of the scratch database; records
it dead-letters count as failures.

Memory: auctions listed one a second of stream time (record timestamps), each open 30 s with two
bids, every tenth drawing a late bid during the grace period and another after eviction. The
processor runs with a 60 s grace and a 300 s memory, so at any moment it should hold ~30 open
auctions, ~60 closed ones and ~300 entries of its closed index, however many were listed; its
state keys and the process's RSS are sampled as the run goes.
"""
from __future__ import annotations

import argparse
import cProfile
import gc
import heapq
import os
import random
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "auction.settings")

from kafka import KafkaConsumer, KafkaProducer  # noqa: E402
from kafka.structs import TopicPartition  # noqa: E402

from streams.events import BidPlaced, Event, ItemListed, encode  # noqa: E402
from streams.money import Money  # noqa: E402
from streams.processors import bidding  # noqa: E402
from streams.processors.bidding_retention import Retention  # noqa: E402
from streams.runtime import Processor, Runner, RuntimeConfig  # noqa: E402
from streams.runtime.clients import PRODUCER_TUNING  # noqa: E402
from streams.topics import BIDS_TOPIC, DEAD_LETTER_TOPIC, topic_for  # noqa: E402
from tests.benchmarks.bench_runtime import bare_loop, create_topics  # noqa: E402
from tests.benchmarks.figures import Bench, Figure  # noqa: E402
from tests.benchmarks.servers import print_figures  # noqa: E402
from tests.integration.coreflow.private_topics import on_private_topics, private, produce_privately, provision  # noqa: E402
from tests.integration.coreflow.workload import auction_workload  # noqa: E402

SECTION = "Bidding processor"
GOAL_DECISIONS = "≥ 10,000/s on one process"


def run_through(
    processor: Processor, bootstrap: str, records: int, *, every: int = 0, sample=None, max_batch: int = 2000,
    profile: str | None = None,
) -> tuple[float, float]:
    """(seconds from start to the first record handled, seconds from then until all are handled and committed).

    Records are counted as committed by the runner's own metric (fired timers are not records). With
    `every`, `sample(runner, done)` is called each time about that many more records were committed.
    With `profile`, the steps run under cProfile and its statistics are written to that file."""
    runner = Runner(processor, RuntimeConfig(bootstrap_servers=bootstrap, max_batch=max_batch))
    begun = time.perf_counter()
    runner.start()
    profiler = cProfile.Profile() if profile else None
    if profiler is not None:
        profiler.enable()
    try:
        done, started, next_sample = 0, None, every
        while done < records:
            before = time.perf_counter()
            if runner.step() and started is None:
                started = before  # the clock starts with the step that handled the first records
            done = records_in(runner)
            if every and next_sample <= done < records:
                sample(runner, done)
                next_sample += every
        return started - begun, time.perf_counter() - started
    finally:
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(profile)
        runner.close()


def records_in(runner: Runner) -> int:
    registry, name = runner.metrics.registry, runner.processor.name
    return int(sum(registry.get_sample_value("streams_records_in_total", {"processor": name, "topic": topic}) or 0
                   for topic in runner.processor.inputs))


def end_offsets(bootstrap: str, topic: str) -> int:
    """How many records a topic holds (the sum of its partitions' end offsets)."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        return sum(consumer.end_offsets(partitions).values())
    finally:
        consumer.close()


# -- decisions, next to the bare loop, then the projector -----------------------------------------


def decisions(bench: Bench, *, bids: int, items: int, projector: bool = True, profile: str | None = None) -> list[Figure]:
    """With `profile`, the bidding processor's steps (not the set-up) are profiled into that file."""
    bootstrap = bench.bootstrap
    prefix = f"bench-bidding-{uuid.uuid4().hex[:8]}"
    provision(bootstrap, prefix)
    now = datetime.now(timezone.utc)
    events = auction_workload(random.Random(7), items=items, bids=bids, now=now, ends_at=now + timedelta(hours=1))
    produce_privately(bootstrap, prefix, events)
    dead_letters = private(prefix, DEAD_LETTER_TOPIC)

    copy = f"{prefix}-bare-copy"
    create_topics(bootstrap, [copy])
    cpu = time.process_time()
    bare = bare_loop(bootstrap, private(prefix, BIDS_TOPIC), copy, bids)
    bare_cpu, cpu, loop_cpu = time.process_time() - cpu, time.process_time(), time.thread_time()
    startup, elapsed = run_through(on_private_topics(bidding.processor, prefix), bootstrap, len(events), profile=profile)
    processor_cpu, loop_cpu = time.process_time() - cpu, time.thread_time() - loop_cpu
    rate = bids / elapsed
    refused = end_offsets(bootstrap, dead_letters)
    bench.note(
        f"{items:,} listings and {bids:,} bids pre-loaded (the hottest tenth of items draws 80 %); start-up "
        f"(group join, state restore) {startup:.2f} s; the bare loop copies the same bid records"
    )
    bench.note(  # CPU time depends less than wall-clock time on what else the machine runs
        f"CPU time of this process (all its threads) per bid: processor {processor_cpu / bids * 1e6:.0f} µs "
        f"(start-up included; {loop_cpu / bids * 1e6:.0f} µs of it in the consumer loop's thread, the rest in the "
        f"clients' I/O threads), bare loop {bare_cpu / bids * 1e6:.0f} µs"
    )
    figures = [
        Figure("decisions per second", rate, "decisions/s", goal=GOAL_DECISIONS,
               baseline="bare kafka-python consume→produce loop, same records", baseline_value=bare, failures=refused),
    ]
    if projector:
        from auction.projector import processor as projector_module

        records = len(events) + bids
        _, projecting = run_through(on_private_topics(projector_module.processor, prefix), bootstrap, records)
        failed = end_offsets(bootstrap, dead_letters) - refused
        figures.append(Figure("projector records per second", records / projecting, "records/s", failures=failed,
                              baseline="bidding decisions per second", baseline_value=rate))
        bench.note(f"projector: {records:,} records (listings, bids, decisions) into PostgreSQL, {failed} dead-lettered")
    return figures


# -- memory over a long run of auctions ------------------------------------------------------------

LIFETIME = timedelta(seconds=30)
RETENTION = Retention(grace=timedelta(seconds=60), memory=timedelta(seconds=300))


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def long_run(auctions: int, start: datetime) -> Iterator[tuple[datetime, Event]]:
    """(record time, event) in time order: auction n listed at start + n s, open 30 s, with two bids;
    every tenth draws a bid 20 s after its close (in the grace) and one 200 s after (evicted by then)."""
    rng = random.Random(11)
    pending: list[tuple[datetime, int, Event]] = []
    sequence = 0
    for n in range(auctions):
        listed_at = start + timedelta(seconds=n)
        item_id = _uuid(rng)
        events = [(listed_at, ItemListed(
            item_id=item_id, seller_id=1, seller_name="seller", title="Lot", description="", category="collectibles",
            location="", starting_price=Money(minor=10_00), starts_at=listed_at, ends_at=listed_at + LIFETIME,
            extension_window_seconds=0,
        ))]
        late = [LIFETIME + timedelta(seconds=20), LIFETIME + timedelta(seconds=200)] if n % 10 == 0 else []
        for k, offset in enumerate([timedelta(seconds=5), timedelta(seconds=10), *late]):
            at = listed_at + offset
            events.append((at, BidPlaced(
                bid_id=_uuid(rng), item_id=item_id, bidder_id=2 + k, bidder_name=f"bidder{k}",
                amount=Money(minor=10_00 + 2_00 * k), placed_at=at,
            )))
        for at, event in events:
            heapq.heappush(pending, (at, sequence, event))
            sequence += 1
        while pending and pending[0][0] <= listed_at:
            at, _, event = heapq.heappop(pending)
            yield at, event
    while pending:
        at, _, event = heapq.heappop(pending)
        yield at, event


def produce_timed(bootstrap: str, prefix: str, timed: Iterator[tuple[datetime, Event]]) -> int:
    producer = KafkaProducer(bootstrap_servers=bootstrap, **PRODUCER_TUNING)
    count = 0
    for at, event in timed:
        record = encode(event, source="/bench", time=at)
        producer.send(private(prefix, topic_for(type(event)).name), key=record.key, value=record.value,
                      headers=record.headers, timestamp_ms=int(at.timestamp() * 1000))
        count += 1
    producer.flush()
    producer.close()
    return count


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def memory(bench: Bench, *, auctions: int, samples: int = 10) -> list[Figure]:
    bootstrap = bench.bootstrap
    prefix = f"bench-memory-{uuid.uuid4().hex[:8]}"
    provision(bootstrap, prefix)
    start = datetime.now(timezone.utc) - timedelta(seconds=auctions + 600)  # the whole run lies in the past
    records = produce_timed(bootstrap, prefix, long_run(auctions, start))
    processor = on_private_topics(bidding.bidding_processor(RETENTION), prefix)
    taken: list[tuple[int, dict[str, int], float]] = []

    def sample(runner: Runner, done: int) -> None:
        gc.collect()
        keys = runner.state_keys()
        taken.append((done, keys, rss_mb()))
        bench.note(f"  {done:>9,} records: " + ", ".join(f"{name} {count:,}" for name, count in keys.items())
                   + f"; RSS {taken[-1][2]:.1f} MB")

    bench.note(f"memory: {auctions:,} auctions, {records:,} records; grace {RETENTION.grace.seconds} s, "
               f"closed index {RETENTION.memory.seconds} s (stream time); state keys and RSS as the run goes:")
    every = max(records // samples, 1)
    run_through(processor, bootstrap, records, every=every, sample=sample, max_batch=min(2000, max(every // 2, 100)))
    (first_done, first_keys, first_rss), (last_done, last_keys, last_rss) = taken[0], taken[-1]
    peak = max(sum(keys.values()) for _, keys, _ in taken)
    return [
        Figure(f"state keys, {last_done:,} records into the run", sum(last_keys.values()), "keys", goal="flat",
               baseline=f"{first_done:,} records into the run", baseline_value=sum(first_keys.values()), samples=len(taken)),
        Figure("state keys, highest sample", peak, "keys", samples=len(taken)),
        Figure(f"RSS, {last_done:,} records into the run", last_rss, "MB", goal="flat",
               baseline=f"{first_done:,} records into the run", baseline_value=first_rss, samples=len(taken)),
    ]


# -- the harness's entry point, and a command of its own --------------------------------------------


def _django(database_url: str) -> None:
    """Django on the run's scratch database (set before the first setup)."""
    import django

    os.environ.setdefault("DATABASE_URL", database_url)
    django.setup()


def measure(bench: Bench) -> list[Figure]:
    _django(bench.database_url)
    figures = decisions(bench, bids=bench.size(50_000, 1_000), items=bench.size(600, 20))
    return figures + memory(bench, auctions=bench.size(100_000, 500))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bids", type=int, default=50_000)
    parser.add_argument("--items", type=int, default=600)
    parser.add_argument("--auctions", type=int, default=100_000, help="auctions of the memory run (0: skip it)")
    parser.add_argument("--no-projector", action="store_true", help="skip the projector phase (no database needed)")
    parser.add_argument("--profile", metavar="FILE", help="write a cProfile of the decisions run (steps only) to FILE")
    options = parser.parse_args()
    bench = Bench(
        bootstrap=os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:39092"),
        database_url=os.environ.get("DATABASE_URL", ""),
        redis_url=os.environ.get("REDIS_URL", ""),
    )
    if not options.no_projector:
        from django.core.management import call_command

        _django(bench.database_url)
        call_command("migrate", verbosity=0)
    figures = decisions(bench, bids=options.bids, items=options.items, projector=not options.no_projector,
                        profile=options.profile)
    if options.auctions:
        figures += memory(bench, auctions=options.auctions)
    print(f"load average: {os.getloadavg()[0]:.2f} (a shared machine: indicative only)")
    print_figures(figures, bench)


if __name__ == "__main__":
    main()
