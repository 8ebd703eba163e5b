"""State stores in and out of their compacted changelog topics.

Changelog partition p holds the state of input partition p. Writes go into the batch's
transaction, so the changelog never runs ahead of or behind the committed input offsets;
restoring reads committed records only, from the beginning up to the high watermark, and so
waits out a transaction still pending on the changelog, just as the consumer's committed-offset
fetch (read_committed: require_stable) waits out one pending on the input offsets.
"""
from __future__ import annotations

import logging
import time
from typing import Iterable, Iterator

from kafka import KafkaConsumer
from kafka.structs import TopicPartition

from streams.runtime.processor import Emit, Processor
from streams.runtime.tasks import TaskState
from streams.topics import changelog_topic

log = logging.getLogger(__name__)


def changelog_emits(processor: Processor, task: TaskState) -> Iterator[tuple[Emit, int]]:
    """Every key written since the last commit, with the changelog partition it goes to."""
    for store in processor.state_stores:
        changes = task.stores[store.name].changes()
        if changes:
            topic, dumps = changelog_topic(processor.name, store.name), store.serde.dumps
            for key, value in changes.items():
                yield Emit(topic, key, None if value is None else dumps(value)), task.partition


def restore_tasks(consumer: KafkaConsumer, processor: Processor, partitions: Iterable[int]) -> dict[int, TaskState]:
    """Fresh state for these partition numbers, loaded from the changelogs."""
    stores = processor.state_stores
    tasks = {partition: TaskState(partition, [store.name for store in stores]) for partition in partitions}
    targets = {
        TopicPartition(changelog_topic(processor.name, store.name), partition): (
            tasks[partition].stores[store.name],
            store.serde.loads,
        )
        for store in stores
        for partition in tasks
    }
    if targets:
        started = time.monotonic()
        restored = _replay(consumer, targets)
        log.info(
            "restored %d changelog records for partitions %s in %.2f s",
            restored,
            sorted(tasks),
            time.monotonic() - started,
        )
    for task in tasks.values():
        task.restored()
    return tasks


def _replay(consumer: KafkaConsumer, targets: dict) -> int:
    partitions = list(targets)
    consumer.assign(partitions)
    consumer.seek_to_beginning(*partitions)
    remaining = set(partitions)
    restored = 0
    while remaining:
        for tp, records in consumer.poll(timeout_ms=200).items():
            store, loads = targets[tp]
            for record in records:
                store.restore(record.key.decode(), None if record.value is None else loads(record.value))
            restored += len(records)
        remaining = {tp for tp in remaining if not _caught_up(consumer, tp)}
    consumer.unsubscribe()
    return restored


def _caught_up(consumer: KafkaConsumer, tp: TopicPartition) -> bool:
    """At the high watermark, which a read_committed reader only reaches once no transaction is
    pending on the partition: a previous owner's last commit may still be writing its markers."""
    highwater = consumer.highwater(tp)
    return highwater is not None and consumer.position(tp) >= highwater
