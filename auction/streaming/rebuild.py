"""Rebuild what a processor wrote to PostgreSQL from the log: its own declaration replays every input into emptied tables.

The processor's decoder, handler, timestamp-ordered merge and batch handler, exactly as it runs
(`streams.runtime.replay`), from the beginning of each input to where it ends when the rebuild
starts, into the tables its sink declares derived (`Tables`). All of it is one PostgreSQL
transaction holding the processor's consumer lock alone:
- the site keeps reading the old tables until the rebuilt ones replace them at commit;
- the running processor's next commit waits for the rebuild. Where the rebuild stored offsets other
  than those the processor read, the sink's fence applies nothing of its batch and the processor
  reads on from where the rebuild stopped; otherwise it applies its batch, which is harmless (its
  batch handler is idempotent), and carries on from where it was.
A record the processor cannot decode or handle was dead-lettered when it first arrived; the
rebuild skips it and counts it. A processor whose tables hold what the log does not (`Tables.kept`)
cannot be rebuilt.
"""
from __future__ import annotations

from django.db import transaction

from auction.streaming.locks import consumer_lock
from auction.streaming.sink import PostgresSink
from streams import kafka_clients
from streams.kafka_clients import ClientSecurity
from streams.runtime.processor import Processor
from streams.runtime.replay import BATCH, Progress, Replayed, replay

Rebuilt = Replayed


class NotRebuildable(Exception):
    """The processor writes no PostgreSQL tables, or some that a rebuild must not empty."""


def why_not_rebuildable(processor: Processor) -> str:
    """Why `rebuild` refuses the processor ("" when it does not)."""
    sink = processor.sink
    if not isinstance(sink, PostgresSink):
        return "it writes no PostgreSQL tables"
    if sink.tables.kept:
        kept = ", ".join(model._meta.db_table for model in sink.tables.kept)
        return f"it writes what the log does not hold ({kept}), which a rebuild must not empty"
    if not sink.tables.rebuildable:
        return "it declares no tables derived from the log"
    return ""


def rebuildable(processor: Processor) -> bool:
    return not why_not_rebuildable(processor)


def rebuild(
    processor: Processor,
    *,
    bootstrap_servers: str,
    security: ClientSecurity | None = None,
    progress: Progress = lambda done, total: None,
) -> Rebuilt:
    reason = why_not_rebuildable(processor)
    if reason:
        raise NotRebuildable(f"{processor.name} cannot be rebuilt: {reason}")
    sink: PostgresSink = processor.sink
    consumer = kafka_clients.consumer(
        bootstrap_servers,
        security=security,
        client_id=f"rebuild-{processor.name}",
        isolation_level="read_committed",
        enable_auto_commit=False,
        max_poll_records=BATCH,
    )
    try:
        with transaction.atomic():
            consumer_lock(sink.consumer, exclusive=True)
            sink.forget()
            return replay(processor, consumer, sink.commit, progress=progress)
    finally:
        consumer.close()
