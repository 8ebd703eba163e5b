"""Replay a processor's inputs from the beginning to where they end now, handled as the runner handles them.

What rebuilding a processor's output needs: every partition of every input (and of its retry
topic, whose replays are handed over as first read: `redelivery`) read from its first offset to
its end offset when the replay starts, the inputs merged in timestamp order (`InputSynchronizer`,
ties to the input declared first, as the runner merges them), each record decoded and handled by
the runner's own path (`runner.handled`, with the processor's retry policy), and each batch's
results handed to `apply(results, offsets)` with the next offset of every partition it read (a
sink's `commit`).

A record the processor cannot decode or handle was dead-lettered when it first arrived: the
replay skips it and counts it. An error that may go away by itself (a server away) stops the
replay instead, as it would abort the runner's batch. Timers and state stores are not replayed,
so a processor with either is refused (processors with a database sink have neither).
"""
from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kafka import KafkaConsumer
from kafka.structs import TopicPartition

from streams.runtime.context import Clock, Context
from streams.runtime.failures import is_transient
from streams.runtime.processor import Processor
from streams.runtime.retry import call_with_retries
from streams.runtime.redelivery import NotARedelivery, as_first_read, out_of_band
from streams.runtime.runner import Undecodable, handled
from streams.runtime.synchronizer import InputSynchronizer
from streams.runtime.tasks import TaskState

BATCH = 2000
POLL_MS = 200

Apply = Callable[[Sequence[Any], Mapping[TopicPartition, int]], None]
"""`apply(results, offsets)`: one batch's handler results, and the next offset to read of each partition it covered."""
Progress = Callable[[int, int], None]
"""`progress(done, total)` after every batch, in offsets (transaction markers take offsets but are no records)."""


@dataclass(frozen=True)
class Replayed:
    records: int
    skipped: int
    """Records the processor could not decode or handle (dead letters)."""


def replay(
    processor: Processor,
    consumer: KafkaConsumer,
    apply: Apply,
    *,
    progress: Progress = lambda done, total: None,
    batch: int = BATCH,
    poll_ms: int = POLL_MS,
    clock: Clock = time.time,
) -> Replayed:
    """Replay with `consumer` (read_committed, no group: it is assigned every input partition here)."""
    if processor.state_stores or processor.on_timer is not None:
        raise ValueError(f"processor {processor.name} has state or timers, which a replay does not restore")
    partitions = [
        TopicPartition(topic, n) for topic in processor.subscriptions for n in consumer.partitions_for_topic(topic) or ()
    ]
    consumer.assign(partitions)
    starts, ends = consumer.beginning_offsets(partitions), consumer.end_offsets(partitions)
    total = sum(ends[tp] - starts[tp] for tp in partitions)
    consumer.seek_to_beginning(*partitions)
    merge = InputSynchronizer(processor.inputs, processor.max_idle_ms, out_of_band=out_of_band(processor))
    context = Context(processor.name, clock)
    sink_says = getattr(processor.sink, "is_transient", None)

    def unfetched(tp: TopicPartition) -> bool:
        return consumer.position(tp) < ends[tp]

    tasks: dict[int, TaskState] = {}

    def handle(raw: Any) -> list:
        """The runner's path, with the processor's retries; a context bound to the record's partition, as the runner binds it."""
        task = tasks.get(raw.partition) or tasks.setdefault(raw.partition, TaskState(raw.partition, ()))
        bound = context.bind(task)
        if raw.topic == processor.retry_topic:
            raw = as_first_read(raw)
        return handled(processor, raw, lambda handler: call_with_retries(lambda: list(handler(bound) or ()), processor.retry))

    applied = skipped = 0
    replayed_to = dict(starts)
    progress(0, total)
    while any(unfetched(tp) for tp in partitions) or any(merge.buffered(tp) for tp in partitions):
        for tp, records in consumer.poll(timeout_ms=poll_ms).items():
            merge.add(tp, [record for record in records if record.offset < ends[tp]])
        ready = merge.ready(int(clock() * 1000), unfetched, batch)
        results: list = []
        offsets: dict[TopicPartition, int] = {}
        for raw in ready:
            try:
                results += handle(raw)
            except (Undecodable, NotARedelivery):
                skipped += 1
            except Exception as error:
                if is_transient(error, sink_says):
                    raise
                skipped += 1  # the runner dead-lettered it
            offsets[TopicPartition(raw.topic, raw.partition)] = raw.offset + 1
        if ready:
            apply(results, offsets)
            applied += len(ready)
            replayed_to.update(offsets)
            progress(sum(replayed_to[tp] - starts[tp] for tp in partitions), total)
    progress(total, total)
    return Replayed(records=applied, skipped=skipped)
