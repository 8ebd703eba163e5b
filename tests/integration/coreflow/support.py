"""Reading what the log holds about items, and judging their bids again, in order, with the pure engine.

The replay is the reference the tests hold the running system to: whatever the concurrency, the
crashes or the batching, the bidding processor's decisions must be the ones a single loop over
the item's `auction.bids` records (in offset order) gets from `streams.bidding`.
"""
from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections import defaultdict
from collections.abc import Coroutine, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

import httpx
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.partitioner.default import murmur2

from auction.loadgen import workload
from auction.loadgen.client import Api
from streams import bidding
from streams.events import (
    AuctionClosed,
    BidAccepted,
    BidPlaced,
    BidRejected,
    Envelope,
    Event,
    ItemListed,
    decode,
    encode,
)
from streams.money import Money
from streams.processors import bidding_translate as tr
from streams.topics import topic_for
from tests.integration.coreflow.private_topics import private

READ_TIMEOUT_S = 30
Offsets = dict[TopicPartition, int]
T = TypeVar("T")


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run` in a thread of its own: Playwright's sync API keeps an event loop running in the
    test thread for the rest of the session once a browser test has run."""
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(asyncio.run, coroutine).result()


def _consumer(bootstrap: str) -> KafkaConsumer:
    return KafkaConsumer(
        bootstrap_servers=bootstrap, isolation_level="read_committed", enable_auto_commit=False, max_poll_records=10_000
    )


async def listed_item(seller: Api, listing: dict) -> dict:
    """List through the API and return the item as the API shows it, waiting if the projector lags behind."""
    item = await seller.list_item(listing)
    deadline = time.monotonic() + READ_TIMEOUT_S
    while item.get("status") == "pending":
        assert time.monotonic() < deadline, f"the listing was not projected in {READ_TIMEOUT_S} s"
        await asyncio.sleep(0.2)
        try:
            item = await seller.item(item["id"])
        except httpx.HTTPStatusError:
            pass
    return item


def end_offsets(bootstrap: str, topics: Iterable[str]) -> Offsets:
    """Where the topics end now: read from here to see only what comes after."""
    consumer = _consumer(bootstrap)
    try:
        return consumer.end_offsets([TopicPartition(t, p) for t in topics for p in consumer.partitions_for_topic(t)])
    finally:
        consumer.close()


def committed_events(
    bootstrap: str, topic: str, *, keys: Iterable[str] | None = None, since: Offsets | None = None
) -> list[Envelope]:
    """The topic's committed events (of the items `keys`, if given), in offset order per partition.

    Only the partitions of those keys are read, from `since` (else the beginning) to where they
    end when the call starts."""
    wanted = None if keys is None else {key.encode() for key in keys}
    consumer = _consumer(bootstrap)
    try:
        numbers = sorted(consumer.partitions_for_topic(topic))
        if wanted is not None:
            numbers = sorted({(murmur2(key) & 0x7FFFFFFF) % len(numbers) for key in wanted})
        partitions = [TopicPartition(topic, n) for n in numbers]
        consumer.assign(partitions)
        starts = {tp: (since or {}).get(tp, 0) for tp in partitions}
        for tp, offset in starts.items():
            consumer.seek(tp, offset)
        ends = consumer.end_offsets(partitions)
        records = []
        deadline = time.monotonic() + READ_TIMEOUT_S
        while any(consumer.position(tp) < ends[tp] for tp in partitions):
            assert time.monotonic() < deadline, f"could not read {topic} to its end in {READ_TIMEOUT_S} s"
            for batch in consumer.poll(timeout_ms=200).values():
                records += [r for r in batch if r.offset < ends[TopicPartition(r.topic, r.partition)]]
    finally:
        consumer.close()
    records.sort(key=lambda r: (r.partition, r.offset))
    return [decode(r.headers, r.key, r.value) for r in records if wanted is None or r.key in wanted]


def of_type(envelopes: Iterable[Envelope], *types: type[Event]) -> list:
    return [envelope.event for envelope in envelopes if isinstance(envelope.event, types)]


def decisions_by_bid(envelopes: Iterable[Envelope]) -> dict[str, list[BidAccepted | BidRejected]]:
    """Every decision on the bid history, grouped by the bid (or buy-now request) it answers."""
    grouped: dict[str, list] = defaultdict(list)
    for decision in of_type(envelopes, BidAccepted, BidRejected):
        grouped[decision.bid_id].append(decision)
    return grouped


def without_time(event: Event) -> dict:
    """The event as data, less when it was decided (a wall-clock reading, different on every run)."""
    return event.model_dump(exclude={"decided_at", "closed_at"})


@dataclass
class Replay:
    """One item's auction judged again: its final state and the decision each bid should have had."""

    state: bidding.AuctionState
    decisions: dict[str, BidAccepted | BidRejected] = field(default_factory=dict)

    @classmethod
    def of(cls, listed: ItemListed, placed: Sequence[BidPlaced]) -> Replay:
        """Bids in log order, each judged at the time the web tier placed it, as the processor judges them."""
        replay = cls(bidding.open_auction(tr.terms_of(listed)))
        for bid in placed:
            before = replay.state
            replay.state, decision = bidding.place_bid(before, tr.bid_of(bid), bid.placed_at)
            replay.decisions[bid.bid_id] = (
                tr.accepted_event(bid, decision, bid.placed_at)
                if isinstance(decision, bidding.Accepted)
                else tr.rejected_event(
                    request_id=bid.bid_id, item_id=bid.item_id, bidder_id=bid.bidder_id, amount=bid.amount,
                    decision=decision, state=before, decided_at=bid.placed_at,
                )
            )
        return replay

    def closed(self, at: datetime) -> AuctionClosed:
        """The close the processor's timer should emit once the end has passed."""
        _, fact = bidding.close(self.state, max(at, self.state.ends_at))
        return tr.closed_event(fact, self.state.terms.currency)


def auction_workload(rng: random.Random, *, items: int, bids: int, now: datetime, ends_at: datetime) -> list[Event]:
    """Listings, then bids placed at `now` with a Nexmark-like skew (most on a few hot items).

    Each bidder offers around the highest amount offered so far, so bids race and many lose,
    and a third give a proxy maximum: the decisions are a mix of every kind. Prices grow about
    linearly, so a long run stays within the amounts the engine accepts."""
    listings = [
        ItemListed(
            item_id=str(uuid.UUID(int=rng.getrandbits(128))), seller_id=1, seller_name="seller", title="Lot",
            description="", category="collectibles", location="", starting_price=Money(minor=10_00, currency="EUR"),
            starts_at=now, ends_at=ends_at, extension_window_seconds=0,
        )
        for _ in range(items)
    ]
    ids = [listing.item_id for listing in listings]
    offered = dict.fromkeys(ids, 10_00)
    placed = []
    for n in range(bids):
        item_id = workload.pick_item(rng, ids)
        amount = max(10_00, offered[item_id] + rng.choice((-100, 0, 250, 500, 1000)))
        offered[item_id] = max(offered[item_id], amount)
        placed.append(
            BidPlaced(
                bid_id=str(uuid.UUID(int=rng.getrandbits(128))), item_id=item_id, bidder_id=2 + rng.randrange(500),
                bidder_name="bidder", amount=Money(minor=amount, currency="EUR"),
                max_amount=Money(minor=amount + rng.choice((100, 250, 500)), currency="EUR") if rng.random() < 1 / 3 else None,
                placed_at=now,
            )
        )
    return [*listings, *placed]


def produce_privately(bootstrap: str, prefix: str, events: Sequence[Event], *, seconds: float = 0) -> None:
    """Produce events to the private twins of their topics, in order, spread evenly over `seconds`."""
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, linger_ms=5)
    started = time.monotonic()
    for n, event in enumerate(events, 1):
        record = encode(event, source="/tests/coreflow")
        producer.send(private(prefix, topic_for(type(event)).name), key=record.key, value=record.value, headers=record.headers)
        ahead = started + seconds * n / len(events) - time.monotonic()
        if ahead > 0.005:
            time.sleep(ahead)
    producer.flush()
    producer.close()
