"""Reading back what the log holds about items: committed events only, in offset order."""
import time
from collections import defaultdict
from collections.abc import Iterable

from kafka import KafkaConsumer, TopicPartition
from kafka.partitioner.default import murmur2

from streams.events import BidAccepted, BidRejected, Envelope, Event, decode

READ_TIMEOUT_S = 30
Offsets = dict[TopicPartition, int]


def _consumer(bootstrap: str) -> KafkaConsumer:
    return KafkaConsumer(
        bootstrap_servers=bootstrap, isolation_level="read_committed", enable_auto_commit=False, max_poll_records=10_000
    )


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
