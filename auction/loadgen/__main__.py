"""Simulated users through the HTTP API: a believable market (the demo) or a stress load.

    python -m auction.loadgen --url http://127.0.0.1:8000 --seconds 0                  # the demo's market
    python -m auction.loadgen --mode stress --bidders 20 --rate 5 --seconds 60         # load for measuring

`market` (the default, see `market.py`): items listed a few a minute with a value in mind,
bidders with private valuations around it (proxy, incremental and sniping habits), so prices end
near the items' values; each close is logged. `stress`: sellers list items, then bidders bid
just over the minimum at --rate per second (most bids on a few hot items), sometimes with a
proxy maximum, and now and then someone buys an item outright; it prints the latency from POST
to decision. Prices in stress mode mean nothing. With --seconds 0 it runs until stopped.
"""
import argparse
import asyncio
import random
import statistics
import time
from collections import Counter
from decimal import Decimal

import httpx

from auction.loadgen import demo, workload
from auction.loadgen.client import Api


async def stress(options: argparse.Namespace) -> dict:
    rng = random.Random(options.seed)
    limits = httpx.Limits(max_connections=options.concurrency)
    async with httpx.AsyncClient(base_url=options.url, timeout=30, limits=limits) as http:
        sellers = [await Api.signed_up(http, "seller") for _ in range(options.sellers)]
        bidders = [await Api.signed_up(http, "bidder") for _ in range(options.bidders)]
        for seller in sellers:
            for _ in range(options.items_per_seller):
                await seller.list_item(workload.listing(rng, duration_seconds=options.duration))
        outcomes: Counter[str] = Counter()
        latencies: list[float] = []
        deadline = time.monotonic() + options.seconds if options.seconds else float("inf")
        interval = 1 / options.rate
        pending: set[asyncio.Task] = set()
        items: list[dict] = []
        while time.monotonic() < deadline:
            if not items or rng.random() < 0.02:
                items = await bidders[0].open_items()
                if not items:
                    for seller in sellers:
                        await seller.list_item(workload.listing(rng, duration_seconds=options.duration))
                    continue
            pending.add(asyncio.create_task(_act(rng, rng.choice(bidders), items, outcomes, latencies)))
            pending = {task for task in pending if not task.done()}
            await asyncio.sleep(interval)
        await asyncio.gather(*pending)
    return {"outcomes": dict(outcomes), "latencies": latencies}


async def _act(rng, bidder: Api, items: list[dict], outcomes: Counter, latencies: list[float]) -> None:
    item = next((i for i in items if i["id"] == workload.pick_item(rng, [i["id"] for i in items])), items[0])
    try:
        if item["buy_now_available"] and rng.random() < 0.01:
            outcomes[f"buy-now {await bidder.buy_now(item['id'])}"] += 1
            return
        fresh = await bidder.item(item["id"])
        if fresh["status"] != "open":
            outcomes["closed meanwhile"] += 1
            return
        choice = workload.bid(rng, Decimal(fresh["minimum_bid"]))
        status, reply, seconds = await bidder.bid(item["id"], f"{choice.amount:.2f}", choice.max_amount and f"{choice.max_amount:.2f}")
        outcomes[reply.get("status", f"http {status}")] += 1
        latencies.append(seconds)
    except httpx.HTTPError as exc:
        outcomes[type(exc).__name__] += 1


def report(result: dict) -> str:
    lat = sorted(result.get("latencies", ()))
    lines = [f"{name}: {count}" for name, count in sorted(result["outcomes"].items())]
    if lat:
        p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))]
        lines.append(f"POST→decision latency: p50 {statistics.median(lat) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, n={len(lat)}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=("market", "stress"), default="market")
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--sellers", type=int, default=3)
    parser.add_argument("--items-per-seller", type=int, default=3)
    parser.add_argument("--bidders", type=int, default=20)
    parser.add_argument("--rate", type=float, default=2, help="stress: actions per second")
    parser.add_argument("--seconds", type=float, default=60, help="how long to run; 0 = until stopped")
    parser.add_argument("--duration", type=int, default=300, help="stress: auction length in seconds")
    parser.add_argument("--listings-per-minute", type=float, default=3, help="market: new listings a minute")
    parser.add_argument("--max-open-items", type=int, default=40, help="market: no new listing past this many open")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--seed", type=int, default=None)
    options = parser.parse_args()
    run = demo.run if options.mode == "market" else stress
    print(report(asyncio.run(run(options))), flush=True)


if __name__ == "__main__":
    main()
