"""The web tier against a bare async Django view on the same uvicorn: bids with their decision, and the other endpoints.

    .venv/bin/python -m tests.benchmarks --only bench_http_bids      # in the harness (servers started for you)
    BENCH_HTTP_SECONDS=5 .venv/bin/python -m tests.benchmarks --only bench_http_bids   # a shorter look (15 s per measure)

The whole path for real: the site under uvicorn, every platform processor as a `manage.py
runprocessor` subprocess (fresh consumer groups, started at the end of the log), Kafka,
PostgreSQL and Redis, all on this machine with the load generator. Measured, each next to the
baseline (`bare_site.py`: one async view, no middleware, no database) served by the same
uvicorn with the same number of workers, in the same run:

- closed loop: `CLIENTS` clients bid as fast as they are answered, each a little over the
  minimum it last saw; a reply counts when it carries the decision (200); 202 "pending" and
  anything not 2xx are counted apart; for 1, 2 and 4 workers, each against the bare view with
  as many workers (measured first, while no processor runs: a baseline that errs high), and
  each worker count against one worker;
- open loop: bids sent at a fixed 100 per second, p50/p99 of POST → reply with the decision;
- the other endpoints a page or client hits (read an item, the OpenAPI document, /healthz, a
  static file, a 404), closed loop, one worker.
"""
from __future__ import annotations

import asyncio
import logging
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import httpx

from tests.benchmarks.figures import Bench, Figure
from tests.integration.readiness import free_port

SECTION = "Web tier: bids through the API, and the other endpoints"
ROOT = Path(__file__).resolve().parents[2]
SITE_ENV = {"AUCTION_BIDS_PER_SECOND": "1000000", "PYTHONUNBUFFERED": "1"}
CLIENTS = 32
OPEN_LOOP_RATE = 100
PROCESSORS = ("bidding", "projector", "live", "notifications", "analytics", "dead-letters")
SMOKE_PROCESSORS = ("bidding", "projector")


@contextmanager
def serving(app: str, env: dict[str, str], workers: int, log: Path) -> Iterator[str]:
    """`app` under uvicorn with `workers` processes; yields its base URL once it answers."""
    port = free_port()
    argv = [sys.executable, "-m", "uvicorn", app, "--port", str(port), "--workers", str(workers), "--no-access-log",
            "--timeout-keep-alive", "60", "--log-level", "warning"]
    with log.open("ab") as out:
        process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180  # six processors start alongside on two cores
    try:
        while True:
            try:
                httpx.get(url, timeout=5)
                break
            except httpx.HTTPError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{app} did not start; see {log}") from None
                time.sleep(0.2)
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        _stopped(process)


@contextmanager
def processors(names: tuple[str, ...], env: dict[str, str], logs: Path) -> Iterator[None]:
    from tests.integration.conftest import start_at_log_end

    running = []
    for name in names:
        start_at_log_end(name, env)
        with (logs / f"{name}.log").open("wb") as out:
            running.append(subprocess.Popen([sys.executable, "manage.py", "runprocessor", name], cwd=ROOT, env=env,
                                            stdout=out, stderr=subprocess.STDOUT))
    try:
        yield
    finally:
        for process in running:
            process.send_signal(signal.SIGTERM)
        for process in running:
            _stopped(process)


def _stopped(process: subprocess.Popen) -> None:
    """Waits for a process asked to stop; one slow to (a loaded machine) is killed, not left to fail the figures."""
    try:
        process.wait(60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


Request = Callable[[httpx.AsyncClient, random.Random], Awaitable[httpx.Response]]


async def closed_loop(url: str, request: Request, *, clients: int, seconds: float) -> tuple[float, list[int]]:
    """Seconds taken and every status, `clients` requests at a time, each sent as soon as the last is answered."""
    statuses: list[int] = []

    async def client(http: httpx.AsyncClient, rng: random.Random, until: float) -> None:
        while time.monotonic() < until:
            try:
                statuses.append((await request(http, rng)).status_code)
            except httpx.HTTPError:  # no answer within the client's timeout: a failure, not the end of the run
                statuses.append(0)

    async with httpx.AsyncClient(base_url=url, timeout=60, limits=httpx.Limits(max_connections=clients)) as http:
        await request(http, random.Random(0))  # warm: first connections, first queries
        started = time.monotonic()
        await asyncio.gather(*(client(http, random.Random(n), started + seconds) for n in range(clients)))
    return time.monotonic() - started, statuses


class Bidding:
    """Bidders on open items, each bidding a little over the minimum it last saw."""

    def __init__(self, tokens: list[str], items: list[dict]) -> None:
        self.tokens = tokens
        self.minimum = {item["id"]: Decimal(item["minimum_bid"]) for item in items}
        self.outcomes: list[tuple[int, str | None, float]] = []

    async def bid(self, http: httpx.AsyncClient, rng: random.Random) -> httpx.Response:
        item_id = rng.choice(list(self.minimum))
        amount = self.minimum[item_id] + Decimal(rng.randint(0, 3))
        started = time.perf_counter()
        try:
            reply = await http.post(f"/api/items/{item_id}/bids", json={"amount": f"{amount:.2f}"},
                                    headers={"Authorization": f"Bearer {rng.choice(self.tokens)}"})
        except httpx.HTTPError:
            self.outcomes.append((0, None, time.perf_counter() - started))
            raise
        body = reply.json() if reply.headers.get("content-type", "").startswith("application/json") else {}
        self.outcomes.append((reply.status_code, body.get("status"), time.perf_counter() - started))
        if minimum := body.get("item", {}).get("minimum_bid"):
            self.minimum[item_id] = max(self.minimum[item_id], Decimal(minimum))
        return reply

    def decided(self) -> list[float]:
        """Seconds from POST to reply of the bids answered with their decision."""
        return [took for status, answer, took in self.outcomes if status == 200 and answer in ("accepted", "rejected")]


async def open_loop(url: str, bidding: Bidding, *, rate: int, seconds: float) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=httpx.Limits(max_connections=rate * 2)) as http:
        await bidding.bid(http, random.Random(0))
        bidding.outcomes.clear()
        rng, tasks, started = random.Random(1), [], time.monotonic()
        for n in range(int(rate * seconds)):
            await asyncio.sleep(max(0.0, started + n / rate - time.monotonic()))
            tasks.append(asyncio.ensure_future(bidding.bid(http, rng)))
        await asyncio.gather(*tasks, return_exceptions=True)  # a request without an answer is counted, not raised


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def _people(count: int) -> list[str]:
    from django.contrib.auth import get_user_model

    from auction.accounts.tokens import token_issue

    users = get_user_model().objects
    return [token_issue(user=users.create_user(username=f"bench-{uuid.uuid4().hex[:10]}")).secret for _ in range(count)]


def _items(url: str, seller_token: str, count: int) -> list[dict]:
    from auction.loadgen import workload

    rng = random.Random(1)
    items = []
    with httpx.Client(base_url=url, timeout=60, headers={"Authorization": f"Bearer {seller_token}"}) as http:
        for _ in range(count):
            listing = workload.listing(rng, duration_seconds=3600) | {"buy_now_price": None}
            reply = http.post("/api/items", json=listing)
            reply.raise_for_status()
            item = reply.json()
            while reply.status_code == 202 or "minimum_bid" not in item:
                time.sleep(0.1)
                reply = http.get(f"/api/items/{item['id']}")
                item = reply.json() if reply.status_code == 200 else item
            items.append(item)
    return items


def _get(path: str) -> Request:
    async def request(http: httpx.AsyncClient, rng: random.Random) -> httpx.Response:
        return await http.get(path)

    return request


def _endpoints(url: str, item_id: str, bare: float, seconds: float) -> list[Figure]:
    figures = []
    for path, name, expected in (
        (f"/api/items/{item_id}", "GET /api/items/{id}", {200}),
        ("/api/openapi.json", "GET /api/openapi.json", {200}),
        ("/healthz", "GET /healthz (200 or 503: the bench's processors run under other names)", {200, 503}),
        ("/static/css/site.css", "GET a static file", {200}),
        ("/no/such/page", "a 404 page", {404}),
    ):
        elapsed, statuses = asyncio.run(closed_loop(url, _get(path), clients=CLIENTS, seconds=seconds))
        answered = sum(1 for status in statuses if status in expected)
        figures.append(Figure(f"{name}, 1 worker", answered / elapsed, "/s", "", "bare view", bare, len(statuses),
                              len(statuses) - answered))
    return figures


def _latency(url: str, bidding: Bidding, rate: int, seconds: float) -> list[Figure]:
    asyncio.run(open_loop(url, bidding, rate=rate, seconds=seconds))
    decided = [took * 1000 for took in bidding.decided()]
    failures = len(bidding.outcomes) - len(decided)
    if not decided:
        return [Figure(f"bids answered with their decision at {rate} bids/s", 0, "", samples=0, failures=failures)]
    return [
        Figure(f"POST → reply with decision, p50 at {rate} bids/s, 1 worker", _percentile(decided, 0.5), "ms",
               samples=len(decided), failures=failures),
        Figure(f"POST → reply with decision, p99 at {rate} bids/s, 1 worker", _percentile(decided, 0.99), "ms",
               "≤ 250 ms", samples=len(decided), failures=failures),
    ]


def _scaling(bids: dict[int, float], bare: dict[int, float]) -> list[Figure]:
    """Each worker count against one worker, for the site's bids and for the bare view."""
    figures = []
    for workers in sorted(bids)[1:]:
        figures.append(Figure(f"bids/s, {workers} workers against 1", bids[workers], "/s", "grows until the cores are full",
                              "1 worker", bids[1]))
        figures.append(Figure(f"bare view, {workers} workers against 1", bare[workers], "/s", "", "1 worker", bare[1]))
    return figures


def measure(bench: Bench) -> list[Figure]:
    logging.getLogger("httpx").setLevel(logging.WARNING)
    seconds = int(os.environ.get("BENCH_HTTP_SECONDS", 0)) or bench.size(15, 1)
    rate = bench.size(OPEN_LOOP_RATE, 20)
    worker_counts = (1,) if bench.smoke else (1, 2, 4)
    logs = Path(tempfile.mkdtemp(prefix="bench-http-"))
    env = {**os.environ, **SITE_ENV, "STREAMS_NAME_SUFFIX": f"b{uuid.uuid4().hex[:8]}"}
    bare_env = {**env, "DJANGO_SETTINGS_MODULE": "tests.benchmarks.bare_site"}
    figures: list[Figure] = []
    bare: dict[int, float] = {}
    bids: dict[int, float] = {}
    for workers in worker_counts:  # before the processors start: none of their start-up in the baseline
        with serving("tests.benchmarks.bare_site:application", bare_env, workers, logs / "bare.log") as url:
            elapsed, statuses = asyncio.run(closed_loop(url, _get("/hello"), clients=CLIENTS, seconds=seconds))
            answered = sum(1 for status in statuses if status == 200)
            bare[workers] = answered / elapsed
        figures.append(Figure(f"bare async Django view, {workers} worker(s)", bare[workers], "/s",
                              samples=len(statuses), failures=len(statuses) - answered))

    seller, *bidders = _people(CLIENTS + 1)
    with processors(SMOKE_PROCESSORS if bench.smoke else PROCESSORS, env, logs):
        for workers in worker_counts:
            with serving("auction.asgi:application", env, workers, logs / "web.log") as url:
                if workers == worker_counts[0]:
                    items = _items(url, seller, bench.size(20, 3))
                    figures += _endpoints(url, items[0]["id"], bare[workers], seconds)
                bidding = Bidding(bidders, items)
                elapsed, _ = asyncio.run(closed_loop(url, bidding.bid, clients=CLIENTS, seconds=seconds))
                decided = len(bidding.decided())
                bids[workers] = decided / elapsed
                figures.append(Figure(f"bids/s with the decision in the reply, {workers} worker(s)", bids[workers], "/s",
                                      "≥ 0.5× bare view", f"bare view, {workers} worker(s)", bare[workers],
                                      len(bidding.outcomes), len(bidding.outcomes) - decided))
                if workers == worker_counts[0]:
                    figures += _latency(url, Bidding(bidders, items), rate, seconds)
    figures += _scaling(bids, bare)
    bench.note("Per worker count: " + "; ".join(
        f"{workers} → bids {bids[workers]:.1f}/s, bare {bare[workers]:.0f}/s ({bids[workers] / bare[workers]:.2f}×)"
        for workers in worker_counts if bare[workers]
    ) + f"; {os.cpu_count()} cores, shared with the processors, the broker and this script's clients.")
    bench.note(f"{CLIENTS} clients per closed loop, {seconds} s per measure; failures count replies that were not 2xx "
               f"or never came (60 s) and bids answered 202 (pending) instead of with their decision; logs in {logs}.")
    return figures


def main() -> None:
    """Standalone: `python -m tests.benchmarks --only bench_http_bids` is the usual way."""
    from tests.benchmarks.__main__ import only

    only("bench_http_bids")


if __name__ == "__main__":
    main()
