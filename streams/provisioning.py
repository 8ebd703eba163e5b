"""Make the broker's topics match the registry; running it again changes nothing.

Deciding what to change is pure (`plan`); talking to the broker is the thin edge around it.
Partitions are only ever raised: lowering them is impossible in Kafka, and even raising
them moves keys to other partitions, so it is reported loudly.

    python -m streams.provisioning [--bootstrap-servers HOST:PORT]   # default: as every client (streams.kafka_clients)
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from typing import Iterable, Literal, Sequence

import kafka.errors
from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient

from streams import kafka_clients
from streams.topics import REGISTRY, Replication, Topic, replication_from_env

ChangeKind = Literal["created", "configs altered", "partitions raised", "problem"]


@dataclass(frozen=True)
class Change:
    """Something provisioning did, or (kind "problem") something it refused to do."""

    topic: str
    kind: ChangeKind
    detail: str

    def __str__(self) -> str:
        return f"{self.topic}: {self.kind}: {self.detail}"


@dataclass(frozen=True)
class ExistingTopic:
    """What the broker has: partition count and the current value of the configs we manage."""

    partitions: int
    configs: dict[str, str]
    replicas: int | None = None
    """Replicas per partition (the fewest any partition has); None: not asked."""


@dataclass(frozen=True)
class Plan:
    """Changes one existing topic needs; empty when it already matches the registry."""

    configs: dict[str, str]
    """Config values to set (only those that differ)."""
    partitions: int | None
    """New partition count, when it must be raised."""
    problem: str | None

    @property
    def applies_nothing(self) -> bool:
        return not self.configs and self.partitions is None


def plan(topic: Topic, existing: ExistingTopic, replication: Replication | None = None) -> Plan:
    """Compare a registry entry (with the cluster's replication, when given) with the topic the broker has."""
    wanted = topic.configs() | (replication.configs() if replication else {})
    differing = {name: value for name, value in wanted.items() if existing.configs.get(name) != value}
    if replication and existing.replicas is not None and existing.replicas != replication.factor:
        problem = (
            f"has {existing.replicas} replicas per partition, the cluster wants {replication.factor}; "
            "provisioning never moves replicas: reassign them (kafka-reassign-partitions) or recreate the topic"
        )
        return Plan(configs=differing, partitions=None, problem=problem)
    if existing.partitions > topic.partitions:
        problem = (
            f"has {existing.partitions} partitions, the registry says {topic.partitions}; "
            "Kafka cannot remove partitions, so fix the registry or recreate the topic"
        )
        return Plan(configs=differing, partitions=None, problem=problem)
    raise_to = topic.partitions if existing.partitions < topic.partitions else None
    return Plan(configs=differing, partitions=raise_to, problem=None)


def ensure_topics(
    bootstrap_servers: str, topics: Iterable[Topic], *, security: kafka_clients.ClientSecurity | None = None,
    replication: Replication | None = None,
) -> list[Change]:
    """Create missing topics and bring existing ones in line with the registry (as a principal allowed
    to: the admin, when the broker enforces ACLs; `security` None is this process's environment), with
    `replication` (None: as the environment says, `streams.topics.replication_from_env`)."""
    wanted = list(topics)
    replication = replication or replication_from_env(os.environ)
    admin = kafka_clients.admin(bootstrap_servers, security=security, client_id="streams-provisioning")
    try:
        present = set(admin.list_topics())
        created = _create(admin, [topic for topic in wanted if topic.name not in present], replication)
        created_names = {change.topic for change in created}
        return created + _reconcile(admin, [topic for topic in wanted if topic.name not in created_names], replication)
    finally:
        admin.close()


def _create(admin: KafkaAdminClient, topics: Sequence[Topic], replication: Replication) -> list[Change]:
    """Create topics; one that appeared meanwhile (another provisioner) is left to `_reconcile`."""
    if not topics:
        return []
    request = {
        topic.name: {"num_partitions": topic.partitions, "replication_factor": replication.factor,
                     "configs": topic.configs() | replication.configs()}
        for topic in topics
    }
    response = admin.create_topics(request, raise_errors=False)
    created = []
    for result in response["topics"]:
        error = kafka.errors.for_code(result["error_code"])
        if error is kafka.errors.NoError:
            created.append(result["name"])
        elif error is not kafka.errors.TopicAlreadyExistsError:
            raise error(f"creating topic {result['name']}: {result['error_message']}")
    admin.wait_for_topics(created)
    by_name = {topic.name: topic for topic in topics}
    return [Change(name, "created", _summary(by_name[name], replication)) for name in created]


def _reconcile(admin: KafkaAdminClient, topics: Sequence[Topic], replication: Replication) -> list[Change]:
    if not topics:
        return []
    described = _describe(admin, topics, replication)
    plans = {topic.name: plan(topic, existing, replication) for topic, existing in zip(topics, described)}
    changes: list[Change] = []
    to_alter = [ConfigResource(ConfigResourceType.TOPIC, name, p.configs) for name, p in plans.items() if p.configs]
    if to_alter:
        results = admin.alter_configs(to_alter)["topic"]
        failed = {name: result for name, result in results.items() if result != "OK"}
        if failed:
            raise kafka.errors.KafkaError(f"altering topic configs failed: {failed}")
        changes += [Change(resource.name, "configs altered", _assignments(resource.configs)) for resource in to_alter]
    to_raise = {name: p.partitions for name, p in plans.items() if p.partitions is not None}
    if to_raise:
        admin.create_partitions(to_raise)
        changes += [Change(name, "partitions raised", f"to {count}") for name, count in to_raise.items()]
    _wait_until_applied(admin, [topic for topic in topics if not plans[topic.name].applies_nothing], replication)
    changes += [Change(name, "problem", p.problem) for name, p in plans.items() if p.problem]
    return changes


def _wait_until_applied(admin: KafkaAdminClient, topics: Sequence[Topic], replication: Replication,
                        timeout_s: float = 10.0) -> None:
    """Return once the broker serves the new state: the controller acknowledges changes before
    brokers' metadata catches up, and a caller (or an immediate re-run) must not see the old one."""
    deadline = time.monotonic() + timeout_s
    pending = list(topics)
    while pending:
        now = _describe(admin, pending, replication)
        pending = [topic for topic, state in zip(pending, now) if not plan(topic, state, replication).applies_nothing]
        if not pending:
            return
        if time.monotonic() > deadline:
            raise kafka.errors.KafkaTimeoutError(f"topic changes not visible after {timeout_s}s: {[t.name for t in pending]}")
        time.sleep(0.1)


def _describe(admin: KafkaAdminClient, topics: Sequence[Topic], replication: Replication) -> list[ExistingTopic]:
    names = [topic.name for topic in topics]
    described = {topic["name"]: topic["partitions"] for topic in admin.describe_topics(names)}
    managed = [*replication.configs()]
    resources = [ConfigResource(ConfigResourceType.TOPIC, topic.name, [*topic.configs(), *managed]) for topic in topics]
    configs = admin.describe_configs(resources, config_filter="all")["topic"]
    return [
        ExistingTopic(
            partitions=len(described[name]),
            configs={key: entry["value"] for key, entry in configs[name].items()},
            replicas=min((len(partition["replica_nodes"]) for partition in described[name]), default=None),
        )
        for name in names
    ]


def _summary(topic: Topic, replication: Replication) -> str:
    return (f"{topic.partitions} partitions, {replication.factor} replicas, "
            f"{_assignments(topic.configs() | replication.configs())}")


def _assignments(configs: dict[str, str]) -> str:
    return ", ".join(f"{name}={value}" for name, value in configs.items())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Create or update the Kafka topics in the registry.")
    parser.add_argument(
        "--bootstrap-servers",
        default=kafka_clients.bootstrap_servers(),
        help=f"HOST:PORT[,HOST:PORT...] (default: ${kafka_clients.BOOTSTRAP_SERVERS_VARIABLE}, "
        f"else {kafka_clients.DEFAULT_BOOTSTRAP_SERVERS})",
    )
    args = parser.parse_args(argv)
    changes = ensure_topics(args.bootstrap_servers, REGISTRY)
    for change in changes:
        print(change)
    if not changes:
        print("topics already match the registry")
    return 1 if any(change.kind == "problem" for change in changes) else 0


if __name__ == "__main__":
    sys.exit(main())
