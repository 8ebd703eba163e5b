"""Provisioning against the real broker: creates what the registry says, then changes nothing."""
from dataclasses import replace

import pytest
from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient

from streams.provisioning import ensure_topics
from streams.topics import Topic, topic_named


@pytest.fixture
def admin(kafka_bootstrap):
    client = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    yield client
    client.close()


@pytest.fixture
def registry(unique_name, admin):
    """Copies of real registry entries under names no other test uses; deleted afterwards."""
    topics = [
        replace(topic_named("auction.bids"), name=unique_name("prov-bids")),
        replace(topic_named("auction.dead-letter"), name=unique_name("prov-dlq")),
        replace(topic_named("bidding-items-changelog"), name=unique_name("prov-changelog")),
    ]
    yield topics
    admin.delete_topics([topic.name for topic in topics], raise_errors=False)


def _actual(admin: KafkaAdminClient, topic: Topic) -> tuple[int, dict[str, str]]:
    [described] = admin.describe_topics([topic.name])
    resource = ConfigResource(ConfigResourceType.TOPIC, topic.name, ["cleanup.policy", "retention.ms"])
    configs = admin.describe_configs([resource], config_filter="all")["topic"][topic.name]
    return len(described["partitions"]), {name: entry["value"] for name, entry in configs.items()}


def test_provisioning_creates_the_registry_then_is_a_no_op(kafka_bootstrap, admin, registry):
    first = ensure_topics(kafka_bootstrap, registry)

    assert sorted((change.topic, change.kind) for change in first) == sorted(
        (topic.name, "created") for topic in registry
    )
    for topic in registry:
        assert _actual(admin, topic) == (topic.partitions, topic.configs())
    assert _actual(admin, registry[1])[1]["retention.ms"] == str(30 * 24 * 3600 * 1000)
    assert _actual(admin, registry[2])[1]["cleanup.policy"] == "compact"

    assert ensure_topics(kafka_bootstrap, registry) == []


def test_a_changed_retention_and_partition_count_are_applied(kafka_bootstrap, admin, registry):
    ensure_topics(kafka_bootstrap, registry)
    bids = registry[0]
    changed = replace(bids, retention_ms=3_600_000, partitions=bids.partitions + 2)

    changes = ensure_topics(kafka_bootstrap, [changed])

    assert {(change.kind, change.detail) for change in changes} == {
        ("configs altered", "retention.ms=3600000"),
        ("partitions raised", f"to {bids.partitions + 2}"),
    }
    assert _actual(admin, changed) == (bids.partitions + 2, {"cleanup.policy": "delete", "retention.ms": "3600000"})
    assert ensure_topics(kafka_bootstrap, [changed]) == []


def test_fewer_partitions_in_the_registry_is_reported_not_applied(kafka_bootstrap, admin, registry):
    ensure_topics(kafka_bootstrap, registry)
    shrunk = replace(registry[0], partitions=2)

    [problem] = ensure_topics(kafka_bootstrap, [shrunk])

    assert (problem.topic, problem.kind) == (shrunk.name, "problem")
    assert _actual(admin, shrunk)[0] == registry[0].partitions
