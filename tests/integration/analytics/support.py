"""Running the analytics (and projector) processors on topics of a test's own, and reading results.

The processors are the production ones with their inputs swapped for uniquely named topics,
run by the real runtime in a thread of the test process against the test database.
"""
from __future__ import annotations

import dataclasses
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connections
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from auction.analytics import models
from auction.analytics import processor as analytics
from auction.streaming.models import ConsumedOffset
from streams.events import encode
from streams.runtime import Processor, Runner, RuntimeConfig
from tests.integration.runtime.support import create_topics
from tests.workloads.nexmark import Entry

PARTITIONS = 3


@dataclass(frozen=True)
class Topics:
    """A private copy of the three topics analytics reads, named after the real ones."""

    suffix: str

    def name(self, real: str) -> str:
        return f"{real}-{self.suffix}"

    @property
    def inputs(self) -> tuple[str, ...]:
        return tuple(self.name(topic) for topic in analytics.INPUTS)


def new_topics(bootstrap: str) -> Topics:
    topics = Topics(uuid.uuid4().hex[:10])
    create_topics(bootstrap, topics.inputs, PARTITIONS)
    return topics


def produce(bootstrap: str, topics: Topics, entries: Iterable[Entry]) -> None:
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    try:
        for entry in entries:
            record = encode(entry.event, source="/test", event_id=entry.event_id, time=entry.time)
            producer.send(topics.name(entry.topic), key=record.key, value=record.value, headers=record.headers)
        producer.flush()
    finally:
        producer.close()


def on_topics(processor: Processor, topics: Topics) -> Processor:
    return dataclasses.replace(processor, name=f"{processor.name}-{topics.suffix}", inputs=topics.inputs)


@contextmanager
def running(bootstrap: str, topics: Topics, *processors: Processor) -> Iterator[None]:
    """The processors on `topics`, each in a thread, until the block ends; a crash fails the test."""
    stop = threading.Event()
    failures: list[BaseException] = []

    def run(runner: Runner) -> None:
        try:
            runner.run(stop)
        except BaseException as error:  # surfaced in the test's thread below
            failures.append(error)
        finally:
            connections.close_all()  # this thread's connection, or dropping the test database would wait on it

    threads = [
        threading.Thread(target=run, args=(Runner(on_topics(p, topics), RuntimeConfig(bootstrap_servers=bootstrap, poll_timeout_ms=50)),))
        for p in processors
    ]
    for thread in threads:
        thread.start()
    try:
        yield
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    if failures:
        raise failures[0]


def wait_caught_up(bootstrap: str, topics: Topics, consumers: Iterable[str], timeout_s: float = 180) -> None:
    """Until each PostgreSQL consumer has committed every record of the topics."""
    reader = KafkaConsumer(bootstrap_servers=bootstrap)
    try:
        ends = reader.end_offsets([TopicPartition(t, p) for t in topics.inputs for p in range(PARTITIONS)])
    finally:
        reader.close()
    wanted = {(tp.topic, tp.partition): end for tp, end in ends.items() if end}
    deadline = time.monotonic() + timeout_s
    for consumer in consumers:
        while True:
            stored = dict(
                ((row.topic, row.partition), row.next_offset)
                for row in ConsumedOffset.objects.filter(consumer=consumer, topic__in=topics.inputs)
            )
            if all(stored.get(tp, 0) >= end for tp, end in wanted.items()):
                break
            if time.monotonic() > deadline:
                raise TimeoutError(f"{consumer} has {stored}, the topics end at {wanted}")
            time.sleep(0.1)




def snapshot() -> dict[str, list[tuple]]:
    """Every analytics table's rows, without surrogate ids, in a stable order."""
    out = {}
    for model in analytics.TABLES.derived:
        fields = [f.attname for f in model._meta.concrete_fields if not (f.primary_key and f.name == "id")]
        if model is models.LateEvent:
            fields.remove("topic")  # runs on different copies of the topics are compared too
        out[model._meta.model_name] = sorted(model.objects.values_list(*fields), key=repr)
    return out

