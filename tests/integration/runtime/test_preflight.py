"""A processor whose topics do not fit its declaration refuses to start, saying why;
its own changelog topics are created for it."""
import pytest
from kafka import KafkaAdminClient
from kafka.admin import ConfigResource, ConfigResourceType

from streams.runtime import Processor, Runner, RuntimeConfig, Store
from streams.runtime.preflight import WiringError
from tests.integration.runtime.support import create_topics


def handle(record, context):
    return None


def start(processor: Processor, kafka_bootstrap: str) -> None:
    runner = Runner(processor, RuntimeConfig(bootstrap_servers=kafka_bootstrap))
    try:
        runner.start()
    finally:
        runner.close()


def test_a_missing_topic_is_named(kafka_bootstrap, unique_name):
    name = unique_name("wiring")
    create_topics(kafka_bootstrap, [f"{name}-in", f"{name}-dlq"], partitions=2)
    processor = Processor(name=name, inputs=[f"{name}-in"], outputs=[f"{name}-nowhere"], handle=handle,
                          dead_letter_topic=f"{name}-dlq")
    with pytest.raises(WiringError, match=f"{name}-nowhere"):
        start(processor, kafka_bootstrap)


def test_inputs_must_be_co_partitioned(kafka_bootstrap, unique_name):
    name = unique_name("wiring")
    create_topics(kafka_bootstrap, [f"{name}-a", f"{name}-dlq"], partitions=2)
    create_topics(kafka_bootstrap, [f"{name}-b"], partitions=3)
    processor = Processor(name=name, inputs=[f"{name}-a", f"{name}-b"], handle=handle, dead_letter_topic=f"{name}-dlq")
    with pytest.raises(WiringError, match="not co-partitioned"):
        start(processor, kafka_bootstrap)


def test_missing_changelogs_are_created_compacted_like_the_inputs(kafka_bootstrap, unique_name):
    name = unique_name("wiring")
    create_topics(kafka_bootstrap, [f"{name}-in", f"{name}-dlq"], partitions=4)
    processor = Processor(name=name, inputs=[f"{name}-in"], handle=handle, stores=[Store("items")], on_timer=handle,
                          dead_letter_topic=f"{name}-dlq")
    start(processor, kafka_bootstrap)

    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    try:
        changelogs = [f"{name}-items-changelog", f"{name}-timers-changelog"]
        partitions = {t["name"]: len(t["partitions"]) for t in admin.describe_topics(changelogs)}
        configs = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, t) for t in changelogs])["topic"]
    finally:
        admin.close()
    assert partitions == dict.fromkeys(changelogs, 4)
    assert [configs[topic]["cleanup.policy"]["value"] for topic in changelogs] == ["compact", "compact"]
