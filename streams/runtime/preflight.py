"""Checks before a processor starts, so a wiring mistake stops it at once with a clear message.

Changelog topics and the retry topic belong to their processor (like Kafka Streams' internal
topics): they are created here when missing, with one partition per input partition and the
broker's default replication factor; changelogs compacted, the retry topic kept forever like the
inputs. (Provisioning creates the deployed processors' retry topics from the registry already;
a processor under another name, a test's, gets its own here.) Every other topic comes from
provisioning (`streams.provisioning`) and must already exist.
"""
from __future__ import annotations

from kafka import KafkaAdminClient
from kafka.errors import TopicAlreadyExistsError

from streams.runtime.processor import Processor
from streams.topics import changelog_topic

RETRY_TOPIC_CONFIGS = {"cleanup.policy": "delete", "retention.ms": "-1"}


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
    own = {topic: {"cleanup.policy": "compact"} for topic in changelogs}
    if processor.retry_topic is not None:
        own[processor.retry_topic] = RETRY_TOPIC_CONFIGS
    to_create = {
        topic: {"num_partitions": partitions, "configs": configs} for topic, configs in own.items() if topic not in existing
    }
    if to_create:
        try:
            admin.create_topics(to_create, wait_for_metadata=True)
        except TopicAlreadyExistsError:
            pass  # another instance of the processor created it first
    wrong = {topic: count for topic, count in _partition_counts(admin, list(own)).items() if count != partitions}
    if wrong:
        raise WiringError(
            f"processor {processor.name}: {wrong} need {partitions} partitions like the inputs "
            "(the runtime reads partition p of its own topics with partition p of the inputs)"
        )
    return partitions
