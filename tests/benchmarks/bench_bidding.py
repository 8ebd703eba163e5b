"""Decisions per second of the bidding processor on a pre-loaded topic, then how fast the projector
writes them to PostgreSQL; prints figures, asserts nothing.

    eval "$(.venv/bin/python -m deploy.stack env --profile dev)"
    DATABASE_URL=postgres://postgres@127.0.0.1:35432/auction_bench .venv/bin/python tests/benchmarks/bench_bidding.py \
        [--bids 50000 --items 600]

The real bidding processor (`streams.processors.bidding`), on private copies of the auction
topics, run by the runtime exactly-once in this process: it restores its (empty) state, then
decides every pre-loaded `BidPlaced` — each joined with its item's state, judged by the engine,
answered with `BidAccepted` or `BidRejected`, and the new state written to the changelog, all
in one Kafka transaction per batch. The clock starts when the first record is handled and stops
when every bid is decided and committed. Bids follow a Nexmark-like skew (most go to a few hot
items); a third carry a proxy maximum.

Then the projector (`auction.projector.processor`, exactly-once into PostgreSQL) reads the
same private topics — listings, bids and decisions — into the read models of the database
`DATABASE_URL` names (a scratch one: it is migrated first and keeps the bench's rows).
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "auction.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from auction.projector import processor as projector  # noqa: E402
from streams.processors import bidding  # noqa: E402
from streams.runtime import Processor, Runner, RuntimeConfig  # noqa: E402
from tests.integration.coreflow.private_topics import on_private_topics, produce_privately, provision  # noqa: E402
from tests.integration.coreflow.workload import auction_workload  # noqa: E402


def run_through(processor: Processor, bootstrap: str, records: int) -> tuple[float, float]:
    """(seconds from start to the first record handled, seconds from then until all are handled and committed)."""
    runner = Runner(processor, RuntimeConfig(bootstrap_servers=bootstrap))
    begun = time.perf_counter()
    runner.start()
    try:
        done, started = 0, None
        while done < records:
            handled = runner.step()
            if handled and started is None:
                started = time.perf_counter()
            done += handled
        return started - begun, time.perf_counter() - started
    finally:
        runner.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bids", type=int, default=50_000)
    parser.add_argument("--items", type=int, default=600)
    options = parser.parse_args()
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:39092")
    prefix = f"bench-bidding-{uuid.uuid4().hex[:8]}"
    provision(bootstrap, prefix)
    now = datetime.now(timezone.utc)
    events = auction_workload(random.Random(7), items=options.items, bids=options.bids, now=now, ends_at=now + timedelta(hours=1))
    produce_privately(bootstrap, prefix, events)

    startup, elapsed = run_through(on_private_topics(bidding.processor, prefix), bootstrap, len(events))
    call_command("migrate", verbosity=0)
    _, projecting = run_through(on_private_topics(projector.processor, prefix), bootstrap, len(events) + options.bids)

    print(f"pre-loaded: {options.items:,} listings and {options.bids:,} bids (hottest tenth of items draws 80 %)")
    print(f"start-up (group join, state restore):   {startup:8.2f} s")
    print(f"all decided and committed in:           {elapsed:8.2f} s")
    print(f"decisions per second, one process:      {options.bids / elapsed:8,.0f}   (goal ≥ 10,000/s)")
    print(f"projector, records per second:          {(len(events) + options.bids) / projecting:8,.0f}   (listings, bids, decisions)")


if __name__ == "__main__":
    main()
