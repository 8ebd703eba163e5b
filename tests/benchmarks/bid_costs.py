"""Where one HTTP bid's time goes in the web process: thread hops, queries, Redis round trips, and a profile.

    eval "$(.venv/bin/python -m deploy.stack env --profile dev4)"
    .venv/bin/python -m tests.benchmarks.bid_costs [BIDS]      # default 200 bids

Against a stack's servers (a scratch database, migrated), with the bidding processor and the
projector as subprocesses: the site's ASGI application is called in this process (no server, no
network), one bid at a time, so what is counted is the site's own work for one bid. Prints, per
bid: `sync_to_async` calls (each one a hop to Django's sync thread and back), SQL statements,
Redis commands (sync and asyncio clients), and then cProfile's functions by own time and by
cumulative time. Not part of the harness: a tool for finding what to cut, not a figure.
"""
from __future__ import annotations

import argparse
import asyncio
import cProfile
import logging
import os
import pstats
import random
import tempfile
import time
import uuid
from collections import Counter
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COUNTS: Counter[str] = Counter()


def _count_calls() -> None:
    """Counters on the three ways a request leaves the event loop or the process."""
    import asgiref.sync
    import redis.asyncio.client
    import redis.client
    from django.db.backends import utils

    hop = asgiref.sync.SyncToAsync.__call__

    async def counted_hop(self, *args, **kwargs):
        COUNTS["sync_to_async hops"] += 1
        COUNTS[f"  hop: {getattr(self.func, '__qualname__', self.func)}"] += 1
        return await hop(self, *args, **kwargs)

    asgiref.sync.SyncToAsync.__call__ = counted_hop

    execute = utils.CursorWrapper._execute

    def counted_execute(self, sql, params, *ignored):
        COUNTS["SQL statements"] += 1
        COUNTS[f"  sql: {sql.split(' WHERE ')[0][:90]}"] += 1
        return execute(self, sql, params, *ignored)

    utils.CursorWrapper._execute = counted_execute

    for module in (redis.client, redis.asyncio.client):
        for cls_name in ("Redis", "Pipeline"):
            cls = getattr(module, cls_name)
            name = "execute_command" if cls_name == "Redis" else "execute"
            original = getattr(cls, name)
            label = f"Redis {'asyncio ' if module is redis.asyncio.client else ''}{cls_name.lower()} round trips"

            if asyncio.iscoroutinefunction(original):
                async def wrapped(self, *args, __original=original, __label=label, **kwargs):
                    COUNTS[__label] += 1
                    return await __original(self, *args, **kwargs)
            else:
                def wrapped(self, *args, __original=original, __label=label, **kwargs):
                    COUNTS[__label] += 1
                    return __original(self, *args, **kwargs)
            setattr(cls, name, wrapped)


async def _run(bids: int, bidders: list[str], seller: str) -> None:
    import httpx

    from auction.asgi import application
    from auction.loadgen import workload

    transport = httpx.ASGITransport(app=application)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1", timeout=60) as http:
        listing = workload.listing(random.Random(1), duration_seconds=3600) | {"buy_now_price": None}
        reply = await http.post("/api/items", json=listing, headers={"Authorization": f"Bearer {seller}"})
        item = reply.json()
        while reply.status_code != 200 or "minimum_bid" not in item:
            await asyncio.sleep(0.1)
            reply = await http.get(f"/api/items/{item['id']}")
            item = reply.json() if reply.status_code == 200 else item
        minimum = Decimal(item["minimum_bid"])

        async def bid(token: str) -> httpx.Response:
            nonlocal minimum
            reply = await http.post(f"/api/items/{item['id']}/bids", json={"amount": f"{minimum:.2f}"},
                                    headers={"Authorization": f"Bearer {token}"})
            if reply.status_code == 200:
                minimum = Decimal(reply.json()["item"]["minimum_bid"])
            return reply

        for token in bidders:  # warm: connections, caches, first queries
            await bid(token)
        COUNTS.clear()
        statuses: Counter[int] = Counter()
        profile = cProfile.Profile()
        started = time.perf_counter()
        cpu = time.process_time()
        profile.enable()
        for n in range(bids):
            statuses[(await bid(bidders[n % len(bidders)])).status_code] += 1
        profile.disable()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - started
    print(f"{bids} bids, statuses {dict(statuses)}: {wall / bids * 1000:.2f} ms wall, {cpu / bids * 1000:.2f} ms CPU "
          f"(this process, profiler on) per bid")
    for name, count in sorted(COUNTS.items(), key=lambda kv: (kv[0].startswith("  "), kv[0])):
        print(f"{count / bids:8.2f} per bid  {name}")
    stats = pstats.Stats(profile)
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(60)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("bids", nargs="?", type=int, default=200, help="bids to place, one at a time (default 200)")
    bids = parser.parse_args(argv).bids
    for noisy in ("httpx", "django.request", "kafka"):
        logging.getLogger(noisy).setLevel(logging.CRITICAL)
    from tests.benchmarks.bench_http_bids import SITE_ENV, _people, processors
    from tests.benchmarks.servers import bench_from_environment

    database = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + f"/auction_costs_{uuid.uuid4().hex[:8]}"
    os.environ.update(SITE_ENV, DATABASE_URL=database, STREAMS_NAME_SUFFIX=f"c{uuid.uuid4().hex[:8]}")
    bench = bench_from_environment()
    from streams.provisioning import ensure_topics
    from streams.topics import REGISTRY

    ensure_topics(bench.bootstrap, REGISTRY)
    seller, *bidders = _people(4)
    _count_calls()
    logs = Path(tempfile.mkdtemp(prefix="bid-costs-"))
    with processors(("bidding", "projector"), dict(os.environ), logs):
        asyncio.run(_run(bids, bidders, seller))


if __name__ == "__main__":
    main()
