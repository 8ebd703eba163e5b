"""What provisioning decides to do with a topic that already exists (the broker part is integration-tested)."""
from dataclasses import replace

from streams.provisioning import ExistingTopic, Plan, plan
from streams.topics import CLUSTER, SINGLE_BROKER, Replication, replication_from_env, topic_named

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


def test_the_clusters_min_insync_replicas_is_set_on_topics_that_lack_it():
    existing = ExistingTopic(partitions=ITEMS.partitions, configs={**ITEMS.configs(), "min.insync.replicas": "1"}, replicas=3)
    assert plan(ITEMS, existing, CLUSTER) == Plan(configs={"min.insync.replicas": "2"}, partitions=None, problem=None)


def test_a_topic_with_fewer_replicas_than_the_cluster_wants_is_a_problem_not_a_change():
    existing = ExistingTopic(partitions=ITEMS.partitions, configs={**ITEMS.configs(), "min.insync.replicas": "2"}, replicas=1)
    result = plan(ITEMS, existing, CLUSTER)
    assert "has 1 replicas per partition, the cluster wants 3" in result.problem
    assert result.partitions is None


def test_replication_comes_from_the_profiles_variables_else_one_copy():
    assert replication_from_env({}) == SINGLE_BROKER == Replication(factor=1, min_insync=1)
    assert replication_from_env({"KAFKA_REPLICATION_FACTOR": "3", "KAFKA_MIN_INSYNC_REPLICAS": "2"}) == CLUSTER
    assert replication_from_env({"KAFKA_REPLICATION_FACTOR": "3"}) == CLUSTER  # all but one, by default
