"""Live updates end to end: how soon do open pages hear what the stream decided?

    eval "$(.venv/bin/python -m deploy.stack env --profile dev)"
    DATABASE_URL=postgres://postgres@127.0.0.1:35432/auction_live_bench \\
        .venv/bin/python tests/benchmarks/bench_live.py [--clients 100 1000] [--rate 200] [--seconds 20]

Runs the real pieces against the servers in the environment: the bidding, projector and live
processors (subprocesses, positioned at the end of the log) and the site under uvicorn; the
websocket clients (the `websockets` package) and the HTTP bidders (httpx) run in this process.
Prints figures, asserts nothing:
- fan-out: N clients on one item's page; bids are published one at a time; latency from each
  BidAccepted record's timestamp (broker time) to its receipt at every client;
- steady load: bids published onto the log at a steady rate (200/s) over several items, each
  watched by a few pages: latency from each BidAccepted record to every page; meanwhile one person
  bids through the JSON API (5/s) on an item of its own: latency from the start of each POST to
  its receipt at another page watching that item;
- completeness: every client's sequence numbers are checked for gaps (a gap is what a browser
  recovers from with a snapshot).
The database is created and migrated when missing; every run uses fresh people and items.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "auction.settings")

import django  # noqa: E402
import psycopg  # noqa: E402

from streams.money import Money  # noqa: E402
from tests.benchmarks.figures import Bench, Figure  # noqa: E402

SECTION = "Live updates: decisions to open pages"
FANOUT_BIDS = 20
FANOUT_PAUSE_S = 0.5
STEADY_ITEMS = 10
OBSERVERS_PER_ITEM = 10
PROBES_PER_S = 5
BIDDERS = 2
SETTLE_S = 3.0


def _create_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def percentiles(samples_ms: list[float]) -> str:
    if not samples_ms:
        return "no samples"
    ordered = sorted(samples_ms)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"p50 {statistics.median(ordered):.0f} ms · p99 {p99:.0f} ms · max {ordered[-1]:.0f} ms (n={len(ordered)})"


# -- the pieces under test ----------------------------------------------------------------------


class Stack:
    """Bidding, projector and live processors and one web server, with this run's names and database."""

    def __init__(self, workdir: Path) -> None:
        from tests.integration.conftest import ProcessorProcess, start_at_log_end
        from tests.integration.live.support import WebServer, group_at_log_end

        self.env = {
            **os.environ,
            "STREAMS_NAME_SUFFIX": f"bench{uuid.uuid4().hex[:6]}",
            "AUCTION_READ_YOUR_WRITES_SECONDS": "0",  # answer POSTs at once; the socket tells the rest
            "AUCTION_BIDS_PER_SECOND": "1000",
            "LIVE_MAX_CONNECTIONS_PER_ADDRESS": "100000",  # every benchmark client comes from this machine
            "PYTHONUNBUFFERED": "1",
        }
        for name in ("bidding", "projector"):
            start_at_log_end(name, self.env)
        group_at_log_end("live", self.env)
        self.processors = [ProcessorProcess(name, self.env, workdir / f"{name}.log") for name in ("bidding", "projector", "live")]
        self.web = WebServer(self.env, workdir / "web.log")
        try:
            for process in self.processors:
                process.start()
            self.web.start()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        self.web.kill()
        for process in self.processors:
            process.stop()


def _people(count: int):
    from django.contrib.auth import get_user_model

    from auction.accounts.tokens import token_issue

    user_model = get_user_model()
    run = uuid.uuid4().hex[:6]
    people = user_model.objects.bulk_create(
        [user_model(id=random.randrange(10**8, 2**31 - 1), username=f"live-{run}-{n}", email=f"live-{run}-{n}@example.test") for n in range(count)]
    )
    return people, [token_issue(user=person).secret for person in people]


def _list(seller, title: str) -> str:
    from auction.catalog.models import Item
    from auction.publishing import publish
    from streams.events import ItemListed
    from streams.money import Money

    now = datetime.now(timezone.utc)
    item_id = str(uuid.uuid4())
    publish(ItemListed(
        item_id=item_id, seller_id=seller.pk, seller_name=seller.username, title=title, description="Benchmark.",
        category="home", location="Lyon", starting_price=Money(minor=1_00), starts_at=now - timedelta(seconds=1),
        ends_at=now + timedelta(hours=1), extension_window_seconds=0,
    ))
    deadline = time.monotonic() + 60
    while not Item.objects.filter(pk=item_id).exists():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{title} was not projected within 60 s")
        time.sleep(0.05)
    return item_id


def _publish_bid(item_id: str, bidder, minor: int) -> None:
    from auction.publishing import publish
    from streams.events import BidPlaced
    from streams.money import Money

    publish(BidPlaced(
        bid_id=str(uuid.uuid4()), item_id=item_id, bidder_id=bidder.pk, bidder_name=bidder.username,
        amount=Money(minor=minor), placed_at=datetime.now(timezone.utc),
    ))


def _accepted(item_ids: set[str], since: dict) -> dict[tuple[str, int], tuple[float, int]]:
    """(item, seq) → (the earliest BidAccepted record's timestamp in seconds, the bid's amount in minor units)."""
    from kafka import KafkaConsumer

    from streams.events import BidAccepted, decode

    consumer = KafkaConsumer(bootstrap_servers=os.environ["KAFKA_BOOTSTRAP_SERVERS"], isolation_level="read_committed", enable_auto_commit=False)
    consumer.assign(list(since))
    for tp, offset in since.items():
        consumer.seek(tp, offset)
    end = consumer.end_offsets(list(since))
    found: dict[tuple[str, int], tuple[float, int]] = {}
    while any(consumer.position(tp) < end[tp] for tp in since):
        for records in consumer.poll(timeout_ms=500).values():
            for record in records:
                if record.key and record.key.decode() in item_ids:
                    event = decode(record.headers, record.key, record.value).event
                    if isinstance(event, BidAccepted):
                        key = (event.item_id, event.state.seq)
                        found[key] = min(found.get(key, (float("inf"), 0)), (record.timestamp / 1000, event.amount.minor))
    consumer.close()
    return found


def _history_offsets() -> dict:
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(bootstrap_servers=os.environ["KAFKA_BOOTSTRAP_SERVERS"], isolation_level="read_committed", enable_auto_commit=False)
    partitions = [TopicPartition("auction.bids.history", n) for n in consumer.partitions_for_topic("auction.bids.history")]
    offsets = consumer.end_offsets(partitions)
    consumer.close()
    return offsets


# -- the clients --------------------------------------------------------------------------------


class Client:
    """One browser's socket on an item page: when each sequence number first arrived, and what it said."""

    def __init__(self) -> None:
        self.first_seen: dict[int, float] = {}
        self.amounts: dict[str, float] = {}
        self.ready = asyncio.Event()

    async def listen(self, url: str, origin: str, stop: asyncio.Event) -> None:
        from websockets.asyncio.client import connect

        async with connect(url, origin=origin, max_queue=None, open_timeout=60) as socket:
            self.ready.set()
            receiving = asyncio.ensure_future(self._receive(socket))
            await stop.wait()
            receiving.cancel()

    async def _receive(self, socket) -> None:
        async for text in socket:
            now = time.time()
            message = json.loads(text)
            if message["type"] == "item" and message["seq"] not in self.first_seen:
                self.first_seen[message["seq"]] = now
                if "bid" in message:
                    self.amounts[message["bid"]["amount"]] = now

    def gaps(self) -> int:
        seqs = sorted(self.first_seen)
        return sum(b - a - 1 for a, b in zip(seqs, seqs[1:]))


async def _connect(clients: list[Client], url: str, origin: str, stop: asyncio.Event) -> list[asyncio.Task]:
    tasks = []
    for n, client in enumerate(clients):
        tasks.append(asyncio.ensure_future(client.listen(url, origin, stop)))
        if n % 50 == 49:
            await asyncio.sleep(0.05)  # a crowd arriving over a moment, not in one instant
    await asyncio.wait_for(asyncio.gather(*(client.ready.wait() for client in clients)), 120)
    return tasks


async def fan_out(web_url: str, clients_count: int, seller, bidders, bids: int = FANOUT_BIDS) -> list[Figure]:
    item_id = await asyncio.to_thread(_list, seller, f"Fan-out {clients_count}")
    ws_url = web_url.replace("http", "ws") + f"/ws/live/items/{item_id}/"
    clients, stop = [Client() for _ in range(clients_count)], asyncio.Event()
    started = time.perf_counter()
    tasks = await _connect(clients, ws_url, web_url, stop)
    print(f"  {clients_count} clients connected in {time.perf_counter() - started:.1f} s")
    since = await asyncio.to_thread(_history_offsets)
    for n in range(bids):
        await asyncio.to_thread(_publish_bid, item_id, bidders[n % 2], 1_00 + n * 1_00)
        await asyncio.sleep(FANOUT_PAUSE_S)
    await asyncio.sleep(SETTLE_S)
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    decided = await asyncio.to_thread(_accepted, {item_id}, since)
    latencies = [
        (client.first_seen[seq] - decided[(item_id, seq)][0]) * 1000
        for client in clients for seq in client.first_seen if (item_id, seq) in decided
    ]
    complete = sum(1 for client in clients if set(client.first_seen) >= {seq for _, seq in decided})
    print(f"  BidAccepted record → client, {len(decided)} bids × {clients_count} clients: {percentiles(latencies)}")
    print(f"  clients with every message: {complete}/{clients_count}; gaps seen: {sum(c.gaps() for c in clients)}")
    missing = len(decided) * clients_count - len(latencies)
    return [
        _p99(f"one bid → {clients_count:,} open pages, BidAccepted record → page, p99", latencies, "≤ 250 ms", missing),
        Figure(f"pages of {clients_count:,} that saw every message (gaps: {sum(c.gaps() for c in clients)})", complete, "pages"),
    ]


def _rising_amounts(count: int) -> list[Money]:
    """Each the minimum over the one before: bids that arrive in order are all accepted."""
    from streams.bidding.increments import increment

    amounts = [1_00]
    while len(amounts) < count:
        amounts.append(amounts[-1] + increment(amounts[-1]))
    return [Money(minor=minor) for minor in amounts]


class RedisTap:
    """Listens on the item groups' Redis channels itself: when the live processor's messages reach
    Redis, which splits a page's latency into the live processor's part and the web tier's."""

    def __init__(self, item_ids: list[str]) -> None:
        self.item_ids = item_ids
        self.first_seen: dict[tuple[str, int], float] = {}

    async def listen(self, stop: asyncio.Event) -> None:
        import redis.asyncio as redis
        from channels.layers import get_channel_layer

        from auction.live.groups import item_group

        layer = get_channel_layer()
        client = redis.Redis.from_url(os.environ["REDIS_URL"])
        pubsub = client.pubsub()
        await pubsub.subscribe(*(f"asgi__group__{item_group(item_id)}" for item_id in self.item_ids))
        while not stop.is_set():
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=0.1)
            if message is not None:
                now = time.time()
                for text in layer.deserialize(message["data"])["texts"]:
                    pushed = json.loads(text)
                    self.first_seen.setdefault((pushed["item"], pushed["seq"]), now)
        await pubsub.aclose()
        await client.aclose()


class LoadProducer:
    """Bids straight onto auction.bids at a steady rate: the stream's load, without the web tier's limits."""

    def __init__(self) -> None:
        from kafka import KafkaProducer

        self.producer = KafkaProducer(bootstrap_servers=os.environ["KAFKA_BOOTSTRAP_SERVERS"], acks="all", linger_ms=5)
        self.sent: dict[tuple[str, int], float] = {}
        """(item, amount in minor units) → when it was handed to the producer."""

    def bid(self, item_id: str, bidder, amount: Money) -> None:
        from streams.events import BidPlaced, encode
        from streams.topics import topic_for

        record = encode(
            BidPlaced(
                bid_id=str(uuid.uuid4()), item_id=item_id, bidder_id=bidder.pk, bidder_name=bidder.username,
                amount=amount, placed_at=datetime.now(timezone.utc),
            ),
            source="/bench/live",
        )
        self.sent[(item_id, amount.minor)] = time.time()
        self.producer.send(topic_for(BidPlaced).name, key=record.key, value=record.value, headers=record.headers)

    def close(self) -> None:
        self.producer.flush()
        self.producer.close()


async def steady(web_url: str, rate: int, seconds: int, seller, bidders, tokens) -> list[Figure]:
    """`rate` bids/s onto the log over several items, each watched by a few pages, while one person
    bids through the JSON API on an item of its own, watched by another page."""
    import httpx

    item_ids = [await asyncio.to_thread(_list, seller, f"Steady {n}") for n in range(STEADY_ITEMS)]
    probe_item = await asyncio.to_thread(_list, seller, "Steady, bid over HTTP")
    stop = asyncio.Event()
    observers = {item_id: [Client() for _ in range(OBSERVERS_PER_ITEM)] for item_id in [*item_ids, probe_item]}
    tasks = []
    for item_id, clients in observers.items():
        tasks += await _connect(clients, web_url.replace("http", "ws") + f"/ws/live/items/{item_id}/", web_url, stop)
    tap = RedisTap(item_ids)
    tasks.append(asyncio.ensure_future(tap.listen(stop)))
    since = await asyncio.to_thread(_history_offsets)
    amounts = _rising_amounts(rate * seconds // STEADY_ITEMS + PROBES_PER_S * seconds + 1)
    load = LoadProducer()
    posted: dict[str, float] = {}
    statuses: dict[int, int] = defaultdict(int)

    async def probe(http, n: int) -> None:
        amount = amounts[n]
        posted[amount.display()] = time.time()
        reply = await http.post(
            f"/api/items/{probe_item}/bids", json={"amount": amount.format()}, headers={"Authorization": f"Bearer {tokens[n % 2]}"}
        )
        statuses[reply.status_code] += 1

    async with httpx.AsyncClient(base_url=web_url, timeout=30) as http:
        probes, started = [], time.perf_counter()
        for n in range(rate * seconds):
            if (pause := started + n / rate - time.perf_counter()) > 0:
                await asyncio.sleep(pause)
            load.bid(item_ids[n % STEADY_ITEMS], bidders[n % 2], amounts[n // STEADY_ITEMS])
            if n % (rate // PROBES_PER_S) == 0:
                probes.append(asyncio.ensure_future(probe(http, len(probes))))
        elapsed = time.perf_counter() - started
        await asyncio.gather(*probes, return_exceptions=True)
    await asyncio.to_thread(load.close)
    await asyncio.sleep(SETTLE_S)
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)

    decided = await asyncio.to_thread(_accepted, set(item_ids), since)
    decision_latencies = [(at - load.sent[(item_id, minor)]) * 1000 for (item_id, _), (at, minor) in decided.items()]
    live_latencies = [(at - decided[key][0]) * 1000 for key, at in tap.first_seen.items() if key in decided]
    load_latencies = [
        (seen - decided[(item_id, seq)][0]) * 1000
        for item_id in item_ids for client in observers[item_id]
        for seq, seen in client.first_seen.items() if (item_id, seq) in decided
    ]
    probe_latencies = [
        (seen - posted[amount]) * 1000 for client in observers[probe_item] for amount, seen in client.amounts.items() if amount in posted
    ]
    watchers = [client for clients in observers.values() for client in clients]
    print(f"  {rate * seconds} bids published in {elapsed:.1f} s ({rate * seconds / elapsed:.0f}/s) over {STEADY_ITEMS} items, "
          f"{len(decided)} accepted; {len(watchers)} clients ({OBSERVERS_PER_ITEM} per item)")
    print(f"  published → BidAccepted record (the bidding processor): {percentiles(decision_latencies)}")
    print(f"  BidAccepted record → message in Redis (the live processor): {percentiles(live_latencies)}")
    print(f"  BidAccepted record → client: {percentiles(load_latencies)}")
    print(f"  HTTP POST → another client ({len(posted)} POSTs, statuses {dict(statuses)}): {percentiles(probe_latencies)}")
    print(f"  gaps seen: {sum(client.gaps() for client in watchers)}")
    not_2xx = sum(count for status, count in statuses.items() if not 200 <= status < 300)
    return [
        _p99(f"published → BidAccepted record (bidding processor) at {rate} bids/s, p99", decision_latencies),
        _p99("BidAccepted record → message in Redis (live processor), p99", live_latencies),
        _p99("BidAccepted record → open page, p99", load_latencies),
        _p99(f"HTTP POST → another page at {rate} bids/s, p99", probe_latencies, "≤ 150 ms", not_2xx),
    ]


def _p99(name: str, samples_ms: list[float], goal: str = "", failures: int | None = None) -> Figure:
    ordered = sorted(samples_ms) or [float("nan")]
    return Figure(name, ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], "ms", goal, samples=len(samples_ms), failures=failures)


async def run(clients: list[int], rate: int, seconds: int, fanout_bids: int = FANOUT_BIDS) -> list[Figure]:
    people, tokens = await asyncio.to_thread(_people, BIDDERS + 1)
    seller, bidders, bidder_tokens = people[0], people[1:], tokens[1:]
    figures = []
    with tempfile.TemporaryDirectory(prefix="bench-live-") as workdir:
        stack = await asyncio.to_thread(Stack, Path(workdir))
        try:
            for count in clients:
                print(f"fan-out to {count} clients on one item")
                figures += await fan_out(stack.web.url, count, seller, bidders, fanout_bids)
            print(f"steady load: {rate} bids/s for {seconds} s")
            figures += await steady(stack.web.url, rate, seconds, seller, bidders, bidder_tokens)
        finally:
            await asyncio.to_thread(stack.stop)
    return figures


def measure(bench: Bench) -> list[Figure]:
    logging.getLogger("httpx").setLevel(logging.WARNING)
    clients = [bench.size(1000, 20)]
    return asyncio.run(run(clients, rate=bench.size(200, 20), seconds=bench.size(20, 2), fanout_bids=bench.size(FANOUT_BIDS, 3)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--rate", type=int, default=200, help="bids per second in the steady-load run")
    parser.add_argument("--seconds", type=int, default=20, help="length of the steady-load run")
    options = parser.parse_args()
    logging.getLogger("httpx").setLevel(logging.WARNING)  # it logs every request at INFO
    _create_database(os.environ["DATABASE_URL"])
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    for figure in asyncio.run(run(options.clients, options.rate, options.seconds)):
        print(figure)


if __name__ == "__main__":
    main()
