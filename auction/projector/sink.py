"""Exactly-once into PostgreSQL: the projected rows and the consumed offsets commit together."""
from collections.abc import Callable, Collection, Mapping, Sequence

from django.db import transaction
from kafka.structs import TopicPartition

from auction.projector.models import ConsumedOffset
from streams.events import Event


class PostgresSink:
    """A `streams.runtime.sink.TransactionalSink` that applies events with `apply(event)`."""

    def __init__(self, consumer: str, apply: Callable[[Event], None]) -> None:
        self.consumer = consumer
        self.apply = apply

    def load_offsets(self, partitions: Collection[TopicPartition]) -> Mapping[TopicPartition, int]:
        wanted = {(tp.topic, tp.partition) for tp in partitions}
        rows = ConsumedOffset.objects.filter(consumer=self.consumer, topic__in={t for t, _ in wanted})
        return {
            TopicPartition(row.topic, row.partition): row.next_offset
            for row in rows
            if (row.topic, row.partition) in wanted
        }

    def commit(self, results: Sequence[Event], offsets: Mapping[TopicPartition, int]) -> None:
        with transaction.atomic():
            for event in results:
                self.apply(event)
            for tp, next_offset in offsets.items():
                ConsumedOffset.objects.update_or_create(
                    consumer=self.consumer,
                    topic=tp.topic,
                    partition=tp.partition,
                    defaults={"next_offset": next_offset},
                )
