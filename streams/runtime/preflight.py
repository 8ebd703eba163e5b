"""Checks before a processor starts, so a wiring mistake stops it at once with a clear message.

Changelog topics belong to their processor (like Kafka Streams' internal topics): they are
created here when missing, compacted, with one partition per input partition and the broker's
default replication factor. Every other
topic comes from provisioning (`streams.provisioning`) and must already exist.
"""
from __future__ import annotations

from kafka import KafkaAdminClient
from kafka.errors import TopicAlreadyExistsError

from streams.runtime.processor import Processor
from streams.topics import changelog_topic


class WiringError(Exception):
    """The topics on the broker do not fit the processor's declaration."""


def _partition_counts(admin: KafkaAdminClient, topics: list[str]) -> dict[str, int]:
    return {topic["name"]: len(topic["partitions"]) for topic in admin.describe_topics(topics) if not topic["error_code"]}


def check_topics(admin: KafkaAdminClient, processor: Processor) -> int:
    """Validate the processor's topics, create its missing changelogs, and return the input partition count."""
    existing = set(admin.list_topics())
    needed = [*processor.inputs, *processor.outputs, processor.dead_letter_topic]
    missing = [topic for topic in needed if topic not in existing]
    if missing:
        raise WiringError(f"processor {processor.name}: missing topics {missing}; run streams.provisioning")
    counts = _partition_counts(admin, list(processor.inputs))
    if len(set(counts.values())) != 1:
        raise WiringError(f"processor {processor.name}: inputs are not co-partitioned: {counts}")
    partitions = counts[processor.inputs[0]]
    changelogs = [changelog_topic(processor.name, store.name) for store in processor.state_stores]
    to_create = {
        topic: {"num_partitions": partitions, "configs": {"cleanup.policy": "compact"}}
        for topic in changelogs
        if topic not in existing
    }
    if to_create:
        try:
            admin.create_topics(to_create, wait_for_metadata=True)
        except TopicAlreadyExistsError:
            pass  # another instance of the processor created it first
    wrong = {topic: count for topic, count in _partition_counts(admin, changelogs).items() if count != partitions}
    if wrong:
        raise WiringError(f"processor {processor.name}: changelogs {wrong} need {partitions} partitions like the inputs")
    return partitions
