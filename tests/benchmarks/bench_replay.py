"""How fast an item is replayed as it stood at an instant (`GET /api/items/{id}/as-of`), for an auction of 1,000 bids.

One auction's log is made as the bidding processor would decide it (the engine judges each bid,
proxy maxima and a late soft-close extension included, then the close) and written by the
projector's own projections into PostgreSQL: the read models and the per-item step index. Then
the as-of read is timed as the API makes it, without HTTP: the step index and the placed bids
read back, the fold through the engine, the reply built from the read model. The baseline is the
live read of the same item (`GET /api/items/{id}` without HTTP). Prints figures, asserts nothing.

    .venv/bin/python -m tests.benchmarks --only replay [--smoke]
"""
from __future__ import annotations

import random
import statistics
import time
import uuid
from datetime import datetime, timedelta, timezone

from streams import bidding
from streams.events import BidPlaced, Envelope, ItemListed
from streams.money import Money
from streams.processors import bidding_translate as tr
from tests.benchmarks.figures import Bench, Figure

SECTION = "Replay: an item as it stood at an instant (PostgreSQL step index + the engine's fold)"
START = datetime(2030, 1, 1, 12, 0, tzinfo=timezone.utc)
GOAL_MS = 100


def _envelope(event) -> Envelope:
    return Envelope(id=str(uuid.uuid4()), type=event.type, source="/bench/replay", time=event_time(event), event=event)


def event_time(event) -> datetime:
    return getattr(event, "decided_at", None) or getattr(event, "closed_at", None) or getattr(event, "placed_at", None) or START


def auction_log(bids: int, seed: int = 14) -> tuple[str, list[Envelope], datetime]:
    """The log of one auction with `bids` requests, decided by the engine; (item id, envelopes, last moment)."""
    rng = random.Random(seed)
    item_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    listing = ItemListed(
        item_id=item_id, seller_id=1, seller_name="seller", title="Benchmarked lot", description="", category="art",
        location="Nowhere", starting_price=Money(minor=10_00, currency="EUR"), reserve_price=Money(minor=500_00, currency="EUR"),
        starts_at=START, ends_at=START + timedelta(hours=bids), extension_window_seconds=600, extension_cap_seconds=3600,
    )
    state = bidding.open_auction(tr.terms_of(listing))
    log, now = [_envelope(listing)], START
    for number in range(bids):
        now += timedelta(seconds=rng.randint(1, 3600))
        amount = state.minimum_next_bid + rng.randint(0, 3) * 50
        placed = BidPlaced(
            bid_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)), item_id=item_id, bidder_id=2 + rng.randrange(40),
            bidder_name=f"bidder{number % 40}", amount=Money(minor=amount, currency="EUR"),
            max_amount=Money(minor=amount + rng.randint(0, 20) * 100, currency="EUR") if rng.random() < 0.4 else None,
            placed_at=now,
        )
        log.append(_envelope(placed))
        state, decision = bidding.judge_bid(state, tr.bid_of(placed), now)
        if isinstance(decision, bidding.Accepted):
            log.append(_envelope(tr.accepted_event(placed, decision, now)))
            if decision.extended is not None:
                log.append(_envelope(tr.extended_event(decision.extended)))
    state, closed = bidding.close(state, state.ends_at)
    log.append(_envelope(tr.closed_event(closed, "EUR")))
    return item_id, log, state.ends_at


def _write(log: list[Envelope]) -> None:
    """The projector's batch handler, in one transaction as its sink runs it (it announces on Redis once committed)."""
    from django.db import transaction

    from auction.projector.processor import project

    with transaction.atomic():
        project(log)


def _timed(call, repeat: int) -> list[float]:
    call()  # warm: the first read pays for the connection and the plan
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        call()
        samples.append((time.perf_counter() - began) * 1000)
    return samples


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] if len(samples) >= 20 else max(samples)


def measure(bench: Bench) -> list[Figure]:
    from auction.api.items import item_reply
    from auction.catalog.selectors import item_get
    from auction.replay.presentation import item_as_it_stood
    from auction.replay.selectors import item_as_of

    bids, repeat = 1_000, bench.size(200, 10)
    item_id, log, end = auction_log(bids)
    _write(log)
    key = uuid.UUID(item_id)
    accepted = sum(1 for envelope in log if envelope.event.type == "auction.bid.accepted.v1")

    def as_of(at: datetime):
        def call():
            item = item_get(item_id=key)
            return item_reply(item_as_it_stood(item, item_as_of(item_id=key, at=at)), None)
        return call

    after_close = _timed(as_of(end + timedelta(days=1)), repeat)
    midway = _timed(as_of(START + (end - START) / 2), repeat)
    live = _timed(lambda: item_reply(item_get(item_id=key), None), repeat)
    bench.note(f"one auction, {bids:,} bids placed, {accepted:,} accepted; {repeat} reads each after one warm-up; no HTTP.")
    return [
        Figure("as-of after the close, p50", statistics.median(after_close), "ms", f"≤ {GOAL_MS} ms",
               "live read of the item, p50", statistics.median(live), samples=repeat),
        Figure("as-of after the close, p95", _p95(after_close), "ms", f"≤ {GOAL_MS} ms", samples=repeat),
        Figure("as-of halfway through, p50", statistics.median(midway), "ms", f"≤ {GOAL_MS} ms", samples=repeat),
    ]
