"""Bids per second through `POST /api/items/{id}/bids`, and POST → decision latency; prints figures, asserts nothing.

    eval "$(.venv/bin/python -m deploy.stack env --profile dev)"
    DATABASE_URL=postgres://postgres@127.0.0.1:35432/auction_bench .venv/bin/python tests/benchmarks/bench_http_bids.py \\
        [--clients 64 --items 20 --seconds 20 --workers 2]

The whole path for real: the site under uvicorn (`--workers` processes), the bidding processor
and the projector as `manage.py runprocessor` subprocesses (fresh consumer groups, started at the
end of the log), Kafka, PostgreSQL and Redis. The database
must exist; it is migrated first. `--clients` concurrent clients bid on `--items` items for
`--seconds`, each bidding a little over the minimum it last saw; a bid is answered once its
decision is visible in the read model (200), or after the wait with "pending" (202).

Printed: completed POSTs per second; how many were answered with their decision; p50/p99 of
POST → reply for those, which is POST → decision visible in the read model.
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "auction.settings")

import django  # noqa: E402

django.setup()

import httpx  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402

from auction.accounts.tokens import token_issue  # noqa: E402
from auction.loadgen import workload  # noqa: E402
from auction.loadgen.client import Api  # noqa: E402
from tests.integration.conftest import start_at_log_end  # noqa: E402
from tests.integration.coreflow.api import listed_item  # noqa: E402

SITE_ENV = {"AUCTION_BIDS_PER_SECOND": "1000000", "PYTHONUNBUFFERED": "1"}


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("wb") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def wait_for_site(url: str, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            httpx.get(f"{url}/healthz", timeout=5)
            return
        except httpx.HTTPError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def people(count: int) -> list[str]:
    """Tokens of fresh accounts, made directly (signing up through the API hashes passwords, slowly)."""
    tokens = []
    for _ in range(count):
        name = f"bench-{uuid.uuid4().hex[:10]}"
        tokens.append(token_issue(user=get_user_model().objects.create_user(username=name, email=f"{name}@example.test")).secret)
    return tokens


async def client(api: Api, items: list[dict], until: float, rng: random.Random, results: list) -> None:
    minimum = {item["id"]: Decimal(item["minimum_bid"]) for item in items}
    while time.monotonic() < until:
        item_id = rng.choice(list(minimum))
        choice = workload.bid(rng, minimum[item_id])
        status, reply, seconds = await api.bid(item_id, f"{choice.amount:.2f}", choice.max_amount and f"{choice.max_amount:.2f}")
        results.append((status, reply.get("status"), seconds))
        if reply.get("item", {}).get("minimum_bid"):
            minimum[item_id] = max(minimum[item_id], Decimal(reply["item"]["minimum_bid"]))


async def bid_for(url: str, seller: str, bidders: list[str], items: int, seconds: float) -> tuple[list, float]:
    rng = random.Random(1)
    limits = httpx.Limits(max_connections=len(bidders))
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as http:
        listing = workload.listing(rng, duration_seconds=3600)
        listed = [await listed_item(Api(http, seller), listing | {"buy_now_price": None}) for _ in range(items)]
        results: list = []
        started = time.monotonic()
        await asyncio.gather(
            *(client(Api(http, token), listed, started + seconds, random.Random(n), results) for n, token in enumerate(bidders))
        )
        return results, time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=2)
    options = parser.parse_args()
    logging.getLogger("httpx").setLevel(logging.WARNING)
    call_command("migrate", verbosity=0)
    logs = Path(tempfile.mkdtemp(prefix="bench-http-"))
    env = {**os.environ, **SITE_ENV, "STREAMS_NAME_SUFFIX": f"b{uuid.uuid4().hex[:8]}"}
    url = f"http://127.0.0.1:{_free_port()}"
    processes = []
    for name in ("bidding", "projector"):
        start_at_log_end(name, env)
        processes.append(start([sys.executable, "manage.py", "runprocessor", name], env, logs / f"{name}.log"))
    web = [
        sys.executable, "-m", "uvicorn", "auction.asgi:application", "--port", url.rsplit(":", 1)[1], "--no-access-log",
        "--timeout-keep-alive", "60",
    ]
    processes.append(start([*web, "--workers", str(options.workers)], env, logs / "web.log"))
    try:
        wait_for_site(url)
        seller, *bidders = people(options.clients + 1)
        results, elapsed = asyncio.run(bid_for(url, seller, bidders, options.items, options.seconds))
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(30)

    decided = sorted(seconds for status, answer, seconds in results if status == 200)
    statuses = {code: sum(1 for status, _, _ in results if status == code) for code in sorted({r[0] for r in results})}
    print(f"{options.clients} clients, {options.items} items, {options.workers} uvicorn workers, {elapsed:.1f} s; logs in {logs}")
    print(f"HTTP statuses:                       {statuses}")
    print(f"bids per second through the API:     {len(results) / elapsed:8,.0f}   (goal ≥ 1,000/s)")
    print(f"answered with their decision:        {len(decided) / len(results):8.1%}")
    if decided:
        p99 = decided[min(len(decided) - 1, int(len(decided) * 0.99))]
        print(f"POST → decision visible, p50 / p99:  {statistics.median(decided) * 1000:5.0f} ms / {p99 * 1000:.0f} ms")


if __name__ == "__main__":
    main()
