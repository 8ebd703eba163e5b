"""The real bidding processor on topics of its own, for tests and benchmarks that count every record it writes.

The auction topics are shared by every run on a broker, and every bidding processor running
there decides every bid on them, so "exactly one decision per bid" can only be checked on
private topics. The processor's handlers run unchanged: its inputs are renamed, and each record
it emits goes to the private twin of the topic it names.

A subprocess gets its processor as `python -m streams.runtime.run
tests.integration.coreflow.private_topics:bidding`, with the prefix in `COREFLOW_TOPICS`.
"""
import dataclasses
import os
import time
from collections.abc import Iterable, Sequence

from kafka import KafkaProducer

from streams.events import Event, encode
from streams.processors import bidding as bidding_processor
from streams.provisioning import ensure_topics
from streams.runtime.processor import DEAD_LETTER_TOPIC, Emit, Processor
from streams.topics import REGISTRY, topic_for

PREFIX_VARIABLE = "COREFLOW_TOPICS"


def private(prefix: str, topic: str) -> str:
    return f"{prefix}.{topic}"


def provision(bootstrap: str, prefix: str) -> None:
    """The registry's topics (and a dead-letter topic) under the prefix, configured as the registry says."""
    ensure_topics(bootstrap, [dataclasses.replace(topic, name=private(prefix, topic.name)) for topic in REGISTRY])


def on_private_topics(processor: Processor, prefix: str) -> Processor:
    """The processor reading and writing the private twins of its topics.

    A topic processor's emits are redirected; a sink processor's handler results are rows for its
    database, not records, and pass unchanged."""
    twins = {topic: private(prefix, topic) for topic in (*processor.outputs, DEAD_LETTER_TOPIC)}

    def redirected(outputs: Iterable[Emit] | None) -> list[Emit]:
        # Per emitted record, so kept cheap: the benchmark measures the processor, not the renaming.
        return [
            Emit(twins.get(topic) or private(prefix, topic), key, value, headers)
            for topic, key, value, headers in outputs or ()
        ]

    handle, on_timer = processor.handle, processor.on_timer
    return dataclasses.replace(
        processor,
        name=f"{processor.name}-{prefix}",
        inputs=tuple(private(prefix, topic) for topic in processor.inputs),
        outputs=tuple(private(prefix, topic) for topic in processor.outputs),
        handle=handle if processor.sink is not None else lambda record, ctx: redirected(handle(record, ctx)),
        on_timer=None if on_timer is None else lambda timer, ctx: redirected(on_timer(timer, ctx)),
        dead_letter_topic=private(prefix, DEAD_LETTER_TOPIC),
    )


def produce_privately(bootstrap: str, prefix: str, events: Sequence[Event], *, seconds: float = 0) -> None:
    """Produce events to the private twins of their topics, in order, spread evenly over `seconds`."""
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, linger_ms=5)
    started = time.monotonic()
    for n, event in enumerate(events, 1):
        record = encode(event, source="/tests/coreflow")
        producer.send(private(prefix, topic_for(type(event)).name), key=record.key, value=record.value, headers=record.headers)
        ahead = started + seconds * n / len(events) - time.monotonic()
        if ahead > 0.005:
            time.sleep(ahead)
    producer.flush()
    producer.close()


def __getattr__(name: str) -> Processor:
    if name == "bidding":
        return on_private_topics(bidding_processor.processor, os.environ[PREFIX_VARIABLE])
    raise AttributeError(name)
