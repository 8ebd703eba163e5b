"""How many bid decisions per second the pure engine makes, so the processor's budget is known.

The bidding processor must reach 10,000 decisions/s end to end; the engine is one step of that,
so it should be far faster. Prints figures, asserts nothing.

    .venv/bin/python -m tests.benchmarks.bench_engine [--bids 200000] [--items 1000] [--seed 7]
"""
import argparse
import json
import random
import time
from datetime import datetime, timedelta, timezone

from streams.bidding import Accepted, PrivateAuctionState, BidRequest, ItemTerms, open_auction, judge_bid

from tests.benchmarks.figures import Bench, Figure

SECTION = "Bidding engine, pure (no Kafka)"
START = datetime(2030, 1, 1, tzinfo=timezone.utc)
SELLER = 1


def workload(bids: int, items: int, seed: int) -> tuple[dict[str, PrivateAuctionState], list[BidRequest]]:
    """Auctions with rising, noisy bids: most are accepted, some are too low, a few are invalid."""
    rng = random.Random(seed)
    states: dict[str, PrivateAuctionState] = {}
    for number in range(items):
        item_id = f"item-{number}"
        states[item_id] = open_auction(
            ItemTerms(
                item_id=item_id,
                seller_id=SELLER,
                currency="EUR",
                starting_price=rng.randint(1_00, 50_00),
                reserve_price=rng.choice([None, 100_00]),
                ends_at=START + timedelta(days=7),
            )
        )
    level = {item_id: state.terms.starting_price for item_id, state in states.items()}
    requests = []
    for number in range(bids):
        item_id = f"item-{rng.randrange(items)}"
        level[item_id] = int(level[item_id] * rng.uniform(0.99, 1.1)) + rng.randint(0, 100)
        amount = level[item_id]
        requests.append(
            BidRequest(
                bid_id=f"bid-{number}",
                item_id=item_id,
                bidder_id=rng.randint(SELLER, 50),
                bidder_name="bidder",
                amount=amount,
                currency="EUR",
                placed_at=START,
                max_amount=rng.choice([None, amount + rng.randint(0, 20_00)]),
            )
        )
    return states, requests


def run(bids: int, items: int, seed: int) -> tuple[float, float, int]:
    """(decisions/s of judge_bid, state JSON round trips/s, bids accepted)."""
    states, requests = workload(bids, items, seed)
    now = START + timedelta(hours=1)
    accepted = 0
    began = time.perf_counter()
    for request in requests:
        states[request.item_id], decision = judge_bid(states[request.item_id], request, now)
        accepted += isinstance(decision, Accepted)
    elapsed = time.perf_counter() - began

    snapshots = list(states.values())
    rounds = max(1, bids // len(snapshots))
    began = time.perf_counter()
    for _ in range(rounds):
        for state in snapshots:
            PrivateAuctionState.from_dict(json.loads(json.dumps(state.to_dict())))
    serialize_elapsed = time.perf_counter() - began
    return bids / elapsed, rounds * len(snapshots) / serialize_elapsed, accepted


def measure(bench: Bench) -> list[Figure]:
    bids = bench.size(200_000, 5_000)
    decisions, round_trips, accepted = run(bids, 1_000, 7)
    bench.note(f"{bids:,} bids on 1,000 items, {accepted:,} accepted; no Kafka, no I/O: the engine's own ceiling.")
    return [
        Figure("judge_bid decisions/s", decisions, "/s", "far above the processor's 10,000/s", samples=bids),
        Figure("state to_dict → JSON → from_dict round trips/s", round_trips, "/s"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bids", type=int, default=200_000)
    parser.add_argument("--items", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=7)
    arguments = parser.parse_args()
    decisions, round_trips, accepted = run(arguments.bids, arguments.items, arguments.seed)
    print(f"judge_bid: {arguments.bids:,} decisions ({accepted:,} accepted): {decisions:,.0f}/s")
    print(f"state to_dict -> JSON -> from_dict: {round_trips:,.0f} round trips/s")


if __name__ == "__main__":
    main()
