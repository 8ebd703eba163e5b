"""What provisioning decides to do with a topic that already exists (the broker part is integration-tested)."""
from dataclasses import replace

from streams.provisioning import ExistingTopic, Plan, plan
from streams.topics import topic_named

ITEMS = topic_named("auction.items")


def test_a_matching_topic_needs_nothing():
    existing = ExistingTopic(partitions=ITEMS.partitions, configs=ITEMS.configs())
    assert plan(ITEMS, existing) == Plan(configs={}, partitions=None, problem=None)


def test_only_differing_configs_are_set():
    existing = ExistingTopic(partitions=ITEMS.partitions, configs={"cleanup.policy": "delete", "retention.ms": "604800000"})
    assert plan(ITEMS, existing) == Plan(configs={"retention.ms": "-1"}, partitions=None, problem=None)


def test_missing_partitions_are_added():
    existing = ExistingTopic(partitions=2, configs=ITEMS.configs())
    assert plan(ITEMS, existing).partitions == ITEMS.partitions


def test_extra_partitions_are_a_problem_not_a_change():
    existing = ExistingTopic(partitions=ITEMS.partitions + 2, configs={"retention.ms": "1"})
    result = plan(ITEMS, existing)
    assert result.partitions is None
    assert "cannot remove partitions" in result.problem
    assert result.configs["retention.ms"] == "-1"


def test_compaction_is_switched_on_when_the_registry_asks_for_it():
    compacted = replace(ITEMS, cleanup_policy="compact")
    existing = ExistingTopic(partitions=ITEMS.partitions, configs=ITEMS.configs())
    assert plan(compacted, existing).configs == {"cleanup.policy": "compact"}
