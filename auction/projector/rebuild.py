"""Rebuild the read models from the log: the projector's own declaration replays every input into emptied tables.

The same decoder, handler, timestamp-ordered merge (`InputSynchronizer`) and sink commit as the
running projector, from the beginning of each input to where it ends when the rebuild starts.
All of it is one PostgreSQL transaction holding the projector's consumer lock alone:
- the site keeps reading the old read models until the rebuilt ones replace them at commit;
- the running projector's next commit waits for the rebuild, then applies its batch again,
  which is harmless (projections are idempotent), and it carries on from where it was.
A record the projector cannot decode or handle was dead-lettered when it first arrived; the
rebuild skips it and counts it.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from kafka import KafkaConsumer
from kafka.structs import TopicPartition

from auction.bidding.models import Bid
from auction.catalog.models import Item
from auction.processors.projector import processor as projector
from auction.projector.locks import consumer_lock
from auction.projector.models import ConsumedOffset
from auction.staff.models import AuditEntry, PlacedBid
from streams.runtime.context import Context
from streams.runtime.processor import Processor, Record
from streams.runtime.synchronizer import InputSynchronizer

READ_MODELS = (Item, Bid, PlacedBid, AuditEntry)
"""Every table the projector writes (besides its offsets)."""
BATCH = 2000
POLL_MS = 200

Progress = Callable[[int, int], None]
"""`progress(done, total)` after every batch, in offsets (transaction markers take offsets but are no records)."""


@dataclass(frozen=True)
class Rebuilt:
    records: int
    skipped: int
    """Records the projector could not decode or handle (dead letters)."""


def rebuild_read_models(*, bootstrap_servers: str, progress: Progress = lambda done, total: None) -> Rebuilt:
    sink = projector.sink
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap_servers,
        client_id="rebuild-read-models",
        isolation_level="read_committed",
        enable_auto_commit=False,
        max_poll_records=BATCH,
    )
    try:
        with transaction.atomic():
            consumer_lock(sink.consumer, exclusive=True)
            for model in READ_MODELS:
                model.objects.all().delete()
            ConsumedOffset.objects.filter(consumer=sink.consumer).delete()
            return _replay(projector, consumer, progress)
    finally:
        consumer.close()


def _replay(processor: Processor, consumer: KafkaConsumer, progress: Progress) -> Rebuilt:
    partitions = [TopicPartition(topic, n) for topic in processor.inputs for n in consumer.partitions_for_topic(topic) or ()]
    consumer.assign(partitions)
    starts, ends = consumer.beginning_offsets(partitions), consumer.end_offsets(partitions)
    total = sum(ends[tp] - starts[tp] for tp in partitions)
    consumer.seek_to_beginning(*partitions)
    merge = InputSynchronizer(processor.inputs, processor.max_idle_ms)
    context = Context(processor.name, time.time)

    def unfetched(tp: TopicPartition) -> bool:
        return consumer.position(tp) < ends[tp]

    applied = skipped = 0
    replayed_to = dict(starts)
    progress(0, total)
    while any(unfetched(tp) for tp in partitions) or any(merge.buffered(tp) for tp in partitions):
        for tp, records in consumer.poll(timeout_ms=POLL_MS).items():
            merge.add(tp, [record for record in records if record.offset < ends[tp]])
        batch = merge.ready(int(time.time() * 1000), unfetched, BATCH)
        results, offsets = [], {}
        for raw in batch:
            handled = _handled(processor, raw, context)
            if handled is None:
                skipped += 1
            else:
                results += handled
            offsets[TopicPartition(raw.topic, raw.partition)] = raw.offset + 1
        if batch:
            processor.sink.commit(results, offsets)
            applied += len(batch)
            replayed_to.update(offsets)
            progress(sum(replayed_to[tp] - starts[tp] for tp in partitions), total)
    progress(total, total)
    return Rebuilt(records=applied, skipped=skipped)


def _handled(processor: Processor, raw, context: Context) -> list | None:
    """What the projector's handler makes of a record; None for one it could not handle live either."""
    try:
        value = processor.decode(raw.headers, raw.key, raw.value)
        record = Record(raw.topic, raw.partition, raw.offset, raw.timestamp, raw.key, value, raw.headers)
        return list(processor.handle(record, context) or ())
    except Exception:  # the live projector dead-lettered it, whatever the error was
        return None
