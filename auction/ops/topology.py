"""The platform's topology, from the code: the topic registry and the processors as declared.

Nothing here is written down twice: topics come from `streams.topics.REGISTRY`, processors
from `auction.processors.PROCESSORS`, and `drift` lists every place where the registry's
promises (who produces and consumes a topic) and the deployed declarations disagree.
"""
from __future__ import annotations

from dataclasses import dataclass

from auction.processors import PROCESSORS, deployed_processor
from streams.runtime.processor import Processor
from streams.topics import REGISTRY, Topic, changelog_topic, retry_topic


@dataclass(frozen=True)
class ProcessorInfo:
    name: str
    group: str
    """Its consumer group (and transactional id prefix): the name, suffixed where runs share a broker."""
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    changelogs: tuple[str, ...]
    """As the registry names them; a suffixed run's changelogs carry the suffix after the processor name."""
    dead_letter_topic: str
    sink: bool
    """Writes PostgreSQL (offsets there, with the rows) rather than topics (offsets in Kafka transactions)."""
    retry_topic: str | None = None
    """Where its dead letters are replayed, for it alone (as the registry names it, like `changelogs`)."""


@dataclass(frozen=True)
class TopicInfo:
    name: str
    partitions: int
    retention_ms: int | None
    cleanup_policy: str
    events: tuple[str, ...]
    producers: tuple[str, ...]
    consumers: tuple[str, ...]
    readers: tuple[str, ...]
    """Deployed processors that consume it."""
    writers: tuple[str, ...]
    """Deployed processors that produce to it (outputs, changelogs, dead letters)."""
    description: str


def deployed() -> list[tuple[str, Processor]]:
    """Every registered processor as it runs here, named as `streams.runtime.run.serve` names it."""
    return [(name, deployed_processor(name)) for name in PROCESSORS]


def processor_info(name: str, processor: Processor) -> ProcessorInfo:
    return ProcessorInfo(
        name=name,
        group=processor.name,
        inputs=tuple(processor.inputs),
        outputs=tuple(processor.outputs),
        changelogs=tuple(changelog_topic(name, store.name) for store in processor.state_stores),
        dead_letter_topic=processor.dead_letter_topic,
        sink=processor.sink is not None,
        retry_topic=retry_topic(name) if processor.replayable else None,
    )


def _reads(info: ProcessorInfo) -> tuple[str, ...]:
    return (*info.inputs, info.retry_topic) if info.retry_topic else info.inputs


def _writes(info: ProcessorInfo) -> tuple[str, ...]:
    return (*info.outputs, *info.changelogs, info.dead_letter_topic)


def topic_infos(processors: list[ProcessorInfo], registry: tuple[Topic, ...] = REGISTRY) -> list[TopicInfo]:
    return [
        TopicInfo(
            name=topic.name,
            partitions=topic.partitions,
            retention_ms=topic.retention_ms,
            cleanup_policy=topic.cleanup_policy,
            events=tuple(event.__name__ for event in topic.events),
            producers=topic.producers,
            consumers=topic.consumers,
            readers=tuple(p.name for p in processors if topic.name in _reads(p)),
            writers=tuple(p.name for p in processors if topic.name in _writes(p)),
            description=topic.description,
        )
        for topic in registry
    ]


def drift(processors: list[ProcessorInfo], registry: tuple[Topic, ...] = REGISTRY) -> list[str]:
    """Where the registry and the deployed processors disagree; services that are not processors (web) are not judged."""
    problems = []
    by_name = {p.name: p for p in processors}
    registered = {topic.name: topic for topic in registry}
    for p in processors:
        for topic in _reads(p):
            if topic not in registered:
                problems.append(f"{p.name} reads {topic}, which is not in the topic registry")
            elif p.name not in registered[topic].consumers:
                problems.append(f"{p.name} reads {topic}, but the registry does not list it as a consumer")
        # a processor without a retry topic never dead-letters (ProcessorInfo.retry_topic)
        writes = _writes(p) if p.retry_topic else (*p.outputs, *p.changelogs)
        for topic in writes:
            if topic not in registered:
                problems.append(f"{p.name} writes {topic}, which is not in the topic registry")
            elif p.name not in registered[topic].producers:
                problems.append(f"{p.name} writes {topic}, but the registry does not list it as a producer")
    for topic in registry:
        for consumer in topic.consumers:
            if consumer not in by_name:
                problems.append(f"the registry lists {consumer} as a consumer of {topic.name}; no such processor is deployed")
            elif topic.name not in (*_reads(by_name[consumer]), *by_name[consumer].changelogs):
                problems.append(f"the registry says {consumer} reads {topic.name}, but it does not")
    return problems
