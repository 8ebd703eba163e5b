"""The Kafka ACLs the platform runs with, generated from the topic registry and the processors' declarations.

Every process connects as its own principal, `User:<name>`: the web tier as `web`, each processor
under its own name. What each may do follows from what the code declares, so there is no list
written by hand to drift from it:

- the web tier WRITEs only the topics the registry names it a producer of. It READs the registry's
  topics and DESCRIBEs the processors' consumer groups and the cluster: the ops page measures lag
  and sizes, and rebuilds replay processors' inputs from the site;
- a processor READs the topics the registry names it a consumer of and WRITEs those it names it a
  producer of, WRITEs the dead-letter topic it declares, READs, WRITEs and CREATEs its changelogs
  (the runtime's preflight creates missing ones), READs its consumer group (its name) and, when it
  commits to Kafka (no sink), WRITEs its transactional ids, `<name>-<instance id>` (a prefix);
- tools (provisioning, applying these ACLs, creating users) run as a super user, which the
  broker's `super.users` names: no ACL is generated for it.

Everything else is refused: brokers run with `allow.everyone.if.no.acl.found=false`. Producers'
idempotence needs no cluster-wide IDEMPOTENT_WRITE: WRITE on a topic implies it (Kafka 3.0+).

The registry and the declarations must agree (a processor reading a topic the registry does not
name it a consumer of would be refused by its own ACLs): `platform_acls` raises `AclDrift` first.
Pure: `streams.acl_sync` applies the set to a broker.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from streams.runtime.processor import Processor
from streams.topics import REGISTRY, Topic, changelog_topic

WEB = "web"
"""The web tier's principal name, as the registry names it among producers."""
CLUSTER = "kafka-cluster"
"""The one name of the CLUSTER resource."""

ResourceType = Literal["TOPIC", "GROUP", "TRANSACTIONAL_ID", "CLUSTER"]
PatternType = Literal["LITERAL", "PREFIXED"]
Operation = Literal["READ", "WRITE", "CREATE", "DESCRIBE"]


class AclDrift(ValueError):
    """The registry and the processors' declarations disagree: the ACLs would refuse what the code does."""


@dataclass(frozen=True, order=True)
class Acl:
    """One ALLOW rule, for any host."""

    principal: str
    resource_type: ResourceType
    resource_name: str
    operation: Operation
    pattern_type: PatternType = "LITERAL"

    def __str__(self) -> str:
        pattern = "*" if self.pattern_type == "PREFIXED" else ""
        return f"{self.principal:<20} {self.operation:<9} {self.resource_type} {self.resource_name}{pattern}"


def principal(name: str) -> str:
    return f"User:{name}"


def platform_acls(processors: Sequence[Processor], registry: Sequence[Topic] = REGISTRY) -> tuple[Acl, ...]:
    """Every ACL of the web tier and of each processor, sorted; raises `AclDrift` when the code disagrees."""
    problems = drift(processors, registry)
    if problems:
        raise AclDrift("; ".join(problems))
    acls = set(web_acls(processors, registry))
    for processor in processors:
        acls.update(processor_acls(processor, registry))
    return tuple(sorted(acls))


def web_acls(processors: Sequence[Processor], registry: Sequence[Topic] = REGISTRY) -> list[Acl]:
    web = principal(WEB)
    acls = [Acl(web, "TOPIC", topic.name, "WRITE") for topic in registry if WEB in topic.producers]
    acls += [Acl(web, "TOPIC", topic.name, "READ") for topic in registry]
    acls += [Acl(web, "GROUP", processor.name, "DESCRIBE") for processor in processors]
    acls.append(Acl(web, "CLUSTER", CLUSTER, "DESCRIBE"))
    return acls


def processor_acls(processor: Processor, registry: Sequence[Topic] = REGISTRY) -> list[Acl]:
    me = principal(processor.name)
    acls = [Acl(me, "TOPIC", topic.name, "READ") for topic in registry if processor.name in topic.consumers]
    acls += [Acl(me, "TOPIC", topic.name, "WRITE") for topic in registry if processor.name in topic.producers]
    acls.append(Acl(me, "TOPIC", processor.dead_letter_topic, "WRITE"))
    for changelog in changelogs(processor):
        acls += [Acl(me, "TOPIC", changelog, operation) for operation in ("READ", "WRITE", "CREATE")]
    acls.append(Acl(me, "GROUP", processor.name, "READ"))
    if processor.sink is None:
        acls.append(Acl(me, "TRANSACTIONAL_ID", transactional_id_prefix(processor), "WRITE", "PREFIXED"))
    return acls


def changelogs(processor: Processor) -> list[str]:
    return [changelog_topic(processor.name, store.name) for store in processor.state_stores]


def transactional_id_prefix(processor: Processor) -> str:
    """What every transactional id of the processor starts with (`streams.runtime.runner`: name-instance)."""
    return f"{processor.name}-"


def drift(processors: Sequence[Processor], registry: Sequence[Topic] = REGISTRY) -> list[str]:
    """What the ACLs generated from the registry would refuse the processors, and names that clash."""
    by_topic = {topic.name: topic for topic in registry}
    names = [processor.name for processor in processors]
    problems = [f"two processors are named {name}" for name in sorted({n for n in names if names.count(n) > 1})]
    if WEB in names:
        problems.append(f"a processor is named {WEB}, the web tier's principal")
    for processor in processors:
        for topic in processor.inputs:
            if processor.name not in _listed(by_topic, topic, "consumers"):
                problems.append(f"{processor.name} reads {topic}, but the registry does not name it a consumer")
        for topic in processor.outputs:
            if processor.name not in _listed(by_topic, topic, "producers"):
                problems.append(f"{processor.name} writes {topic}, but the registry does not name it a producer")
        for other in processors:
            if other is not processor and other.name.startswith(transactional_id_prefix(processor)):
                problems.append(
                    f"{processor.name}'s transactional ids ({transactional_id_prefix(processor)}*) "
                    f"would include {other.name}'s: rename one"
                )
    return problems


def _listed(by_topic: dict[str, Topic], topic: str, role: str) -> tuple[str, ...]:
    return getattr(by_topic[topic], role) if topic in by_topic else ()


def principals(acls: Iterable[Acl]) -> list[str]:
    return sorted({acl.principal for acl in acls})


def described(acls: Iterable[Acl]) -> list[str]:
    """One line per ACL, grouped by principal: what `manage.py kafka_acls` prints."""
    return [str(acl) for acl in sorted(acls)]


_TOOL_RESOURCE = {"TOPIC": "--topic", "GROUP": "--group", "TRANSACTIONAL_ID": "--transactional-id", "CLUSTER": "--cluster"}


def kafka_acls_commands(acls: Iterable[Acl], *, bootstrap: str = "$KAFKA_BOOTSTRAP_SERVERS",
                        command_config: str = "admin.properties") -> list[str]:
    """The same set as Kafka's own tool would add it (`kafka-acls.sh` of the Kafka distribution)."""
    commands = []
    for acl in sorted(acls):
        resource = _TOOL_RESOURCE[acl.resource_type]
        target = resource if acl.resource_type == "CLUSTER" else f"{resource} '{acl.resource_name}'"
        pattern = " --resource-pattern-type prefixed" if acl.pattern_type == "PREFIXED" else ""
        commands.append(
            f"kafka-acls.sh --bootstrap-server {bootstrap} --command-config {command_config} --add "
            f"--allow-principal '{acl.principal}' --operation {acl.operation.title()} {target}{pattern}"
        )
    return commands
