"""Strimzi resources: the Kafka cluster (KRaft), its node pool, the topics of the registry and a user per principal.

Topics are `KafkaTopic`s with the registry's partitions and configs (replicated three times, two in
sync), so Strimzi's topic operator creates them and keeps them as the registry says. Each principal
of `streams.acls` (the web tier, every processor) is a `KafkaUser` with SCRAM-SHA-512 credentials,
which Strimzi's user operator puts in a secret of the user's name (`password`), and exactly the ACLs
`streams.acls.platform_acls` generates: the same set the `secure` stack profile runs with.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from deploy.kubernetes import cluster
from streams.acls import WEB, Acl, platform_acls
from streams.runtime.processor import Processor
from streams.topics import REGISTRY, Topic

API = "kafka.strimzi.io/v1"
"""Strimzi 1.x serves only v1 (KRaft and node pools are the only mode, so the Kafka needs no annotations for them)."""
CLUSTER_LABEL = {"strimzi.io/cluster": cluster.KAFKA_CLUSTER}
NODE_POOL = "dual-role"

_RESOURCE_TYPE = {"TOPIC": "topic", "GROUP": "group", "TRANSACTIONAL_ID": "transactionalId", "CLUSTER": "cluster"}
_PATTERN = {"LITERAL": "literal", "PREFIXED": "prefix"}


def kafka_cluster() -> dict:
    return {
        "apiVersion": API,
        "kind": "Kafka",
        "metadata": {"name": cluster.KAFKA_CLUSTER},
        "spec": {
            "kafka": {
                "listeners": [
                    {"name": "tls", "port": 9093, "type": "internal", "tls": True, "authentication": {"type": "scram-sha-512"}},
                ],
                "authorization": {"type": "simple"},
                "config": {
                    "auto.create.topics.enable": False,
                    "default.replication.factor": cluster.KAFKA_REPLICATION,
                    "min.insync.replicas": cluster.KAFKA_MIN_INSYNC,
                    "offsets.topic.replication.factor": cluster.KAFKA_REPLICATION,
                    "transaction.state.log.replication.factor": cluster.KAFKA_REPLICATION,
                    "transaction.state.log.min.isr": cluster.KAFKA_MIN_INSYNC,
                },
            },
            "entityOperator": {"topicOperator": {}, "userOperator": {}},
        },
    }


def node_pool() -> dict:
    """Three nodes, each broker and KRaft controller, one per zone when the nodes are labelled with one."""
    return {
        "apiVersion": API,
        "kind": "KafkaNodePool",
        "metadata": {"name": NODE_POOL, "labels": CLUSTER_LABEL},
        "spec": {
            "replicas": cluster.KAFKA_BROKERS,
            "roles": ["controller", "broker"],
            "storage": {
                "type": "jbod",
                "volumes": [{"id": 0, "type": "persistent-claim", "size": "100Gi", "deleteClaim": False, "kraftMetadata": "shared"}],
            },
            "resources": {"requests": {"cpu": "1", "memory": "4Gi"}, "limits": {"memory": "4Gi"}},
            "template": {
                "pod": {
                    "topologySpreadConstraints": [{
                        "maxSkew": 1,
                        "topologyKey": "topology.kubernetes.io/zone",
                        "whenUnsatisfiable": "ScheduleAnyway",
                        "labelSelector": {"matchLabels": {"strimzi.io/pool-name": NODE_POOL}},
                    }],
                },
            },
        },
    }


def topic_resource(topic: Topic) -> dict:
    return {
        "apiVersion": API,
        "kind": "KafkaTopic",
        "metadata": {"name": resource_name(topic.name), "labels": CLUSTER_LABEL},
        "spec": {
            "topicName": topic.name,
            "partitions": topic.partitions,
            "replicas": cluster.KAFKA_REPLICATION,
            "config": {**topic.configs(), "min.insync.replicas": str(cluster.KAFKA_MIN_INSYNC)},
        },
    }


def topics(registry: Sequence[Topic] = REGISTRY) -> list[dict]:
    return [topic_resource(topic) for topic in registry]


def resource_name(topic_name: str) -> str:
    """A Kubernetes name for a topic (registry names are lower case with dots and dashes, which fit as they are)."""
    return topic_name.replace("_", "-").lower()


def users(processors: Sequence[Processor]) -> list[dict]:
    """A KafkaUser per principal of `streams.acls`: the web tier first, then each processor by name."""
    by_principal: dict[str, list[Acl]] = defaultdict(list)
    for acl in platform_acls(processors):
        by_principal[acl.principal.removeprefix("User:")].append(acl)
    names = [WEB, *sorted(processor.name for processor in processors)]
    return [user(name, by_principal[name]) for name in names]


def user(name: str, acls: Sequence[Acl]) -> dict:
    """ACLs on one resource are one rule with their operations, as Strimzi writes them."""
    rules: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for acl in sorted(acls):
        rules[(acl.resource_type, acl.resource_name, acl.pattern_type)].append(acl.operation.title())
    return {
        "apiVersion": API,
        "kind": "KafkaUser",
        "metadata": {"name": name, "labels": CLUSTER_LABEL},
        "spec": {
            "authentication": {"type": "scram-sha-512"},
            "authorization": {"type": "simple", "acls": [_rule(*key, operations) for key, operations in rules.items()]},
        },
    }


def _rule(resource_type: str, name: str, pattern: str, operations: list[str]) -> dict:
    resource = {"type": _RESOURCE_TYPE[resource_type]}
    if resource_type != "CLUSTER":
        resource |= {"name": name, "patternType": _PATTERN[pattern]}
    return {"resource": resource, "operations": operations, "host": "*"}
