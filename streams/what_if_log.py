"""A stretch of the log as the "what if" core reads it: auction.items and auction.bids between two moments.

Each topic partition is read from the first offset at or after the start (`offsets_for_times`) to
the first at or after the end, and the two topics' partitions of the same number (co-partitioned:
one item's records are all there) are merged by record timestamp, listings first on ties, as the
bidding processor merges its inputs. One item's events thus come in the processor's order; items
are independent, so partitions are read one after the other. Memory holds one poll's records.

Records that do not decode, or whose terms the engine refuses, were dead-lettered by the live
processor: they are counted in `Reading.unreadable` and left out.
"""
from __future__ import annotations

import heapq
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from kafka import KafkaConsumer
from kafka.structs import TopicPartition

from streams.bidding import what_if as wi
from streams.events import (
    AuctionCancelled,
    AuctionEndRequested,
    AuctionExtensionRequested,
    BidPlaced,
    BuyNowRequested,
    ItemListed,
    decode,
)
from streams.events.envelope import InvalidEvent
from streams.processors import bidding_translate as tr
from streams.runtime.context import from_ms, to_ms
from streams.topics import BIDS_TOPIC, ITEMS_TOPIC

POLL_MS = 200


class StretchRefused(Exception):
    """The stretch cannot be read as asked (its topics are missing, or it takes longer than a run may), in words for staff."""


def item_event(event, at: datetime) -> wi.ItemEvent | None:
    """The engine's view of a decoded event (None: an event that does not concern the bidding engine)."""
    if isinstance(event, BidPlaced):
        return wi.BidMade(tr.bid_of(event), at)
    if isinstance(event, ItemListed):
        return wi.Listed(tr.terms_of(event), at)
    if isinstance(event, BuyNowRequested):
        return wi.BuyNowMade(tr.buy_now_of(event), at)
    if isinstance(event, AuctionCancelled):
        return wi.Cancelled(event.item_id, at)
    if isinstance(event, AuctionEndRequested):
        return wi.EndRequested(event.item_id, at)
    if isinstance(event, AuctionExtensionRequested):
        return wi.ExtensionRequested(event.item_id, event.ends_at, at)
    return None


@dataclass
class Reading:
    """Where each partition's stretch starts and ends, and how far the reading has come."""

    consumer: KafkaConsumer
    ranges: dict[TopicPartition, tuple[int, int]]
    unreadable: int = 0
    done: dict[TopicPartition, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(end - start for start, end in self.ranges.values())

    @property
    def read(self) -> int:
        return sum(self.done.values())


def stretch(
    consumer: KafkaConsumer, start: datetime, end: datetime, *, items_topic: str = ITEMS_TOPIC, bids_topic: str = BIDS_TOPIC
) -> Reading:
    """The offsets of [start, end) in every partition of the two topics (`consumer`: read_committed, no group)."""
    partitions = [
        TopicPartition(topic, n) for topic in (items_topic, bids_topic) for n in sorted(consumer.partitions_for_topic(topic) or ())
    ]
    if not partitions:
        raise StretchRefused(f"Kafka has no topic {items_topic} or {bids_topic}.")
    ends = consumer.end_offsets(partitions)
    at_start = consumer.offsets_for_times({tp: to_ms(start) for tp in partitions})
    at_end = consumer.offsets_for_times({tp: to_ms(end) for tp in partitions})

    def offset(found, tp: TopicPartition) -> int:
        return ends[tp] if found.get(tp) is None else found[tp].offset

    return Reading(consumer, {tp: (offset(at_start, tp), max(offset(at_start, tp), offset(at_end, tp))) for tp in partitions})


def item_events(
    reading: Reading,
    consumers: tuple[KafkaConsumer, KafkaConsumer],
    *,
    deadline: float,
    progress: Callable[[int, int], None] = lambda done, total: None,
    clock: Callable[[], float] = time.monotonic,
) -> Iterator[wi.ItemEvent]:
    """The stretch's item events, partition number by partition number; `consumers`: one per topic.

    Raises `StretchRefused` once `clock()` passes `deadline`."""
    topics = list(dict.fromkeys(tp.topic for tp in reading.ranges))
    numbers = sorted({tp.partition for tp in reading.ranges})
    for number in numbers:
        sources = [
            _records(consumer, TopicPartition(topic, number), reading, deadline, clock)
            for topic, consumer in zip(topics, consumers)
            if TopicPartition(topic, number) in reading.ranges
        ]
        for record in heapq.merge(*sources, key=lambda record: record.timestamp):
            try:
                event = item_event(decode(record.headers, record.key, record.value).event, from_ms(record.timestamp))
            except (InvalidEvent, ValueError):
                reading.unreadable += 1
                continue
            if event is not None:
                yield event
            progress(reading.read, reading.total)
    progress(reading.total, reading.total)


def _records(consumer: KafkaConsumer, tp: TopicPartition, reading: Reading, deadline: float, clock) -> Iterator:
    start, end = reading.ranges[tp]
    reading.done[tp] = 0
    if start >= end:
        return
    consumer.assign([tp])
    consumer.seek(tp, start)
    while consumer.position(tp) < end:
        if clock() > deadline:
            raise StretchRefused("The run took longer than a run may: choose a shorter range.")
        for record in consumer.poll(timeout_ms=POLL_MS).get(tp, ()):
            if record.offset >= end:
                break
            reading.done[tp] = record.offset + 1 - start
            yield record
    reading.done[tp] = end - start
