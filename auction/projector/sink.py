"""Exactly-once into PostgreSQL: the projected rows and the consumed offsets commit together."""
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

import psycopg
from django.db import connection, transaction
from django.db.utils import InterfaceError, OperationalError
from kafka.structs import TopicPartition

from auction.projector.locks import consumer_lock
from auction.projector.models import ConsumedOffset


TRANSIENT_DATABASE_ERRORS = (OperationalError, InterfaceError, psycopg.OperationalError, psycopg.InterfaceError)
"""The server unreachable or restarting, a lost connection, a serialization failure, a deadlock, a
cancelled statement: psycopg files all of them under OperationalError. A DataError or an
IntegrityError is the data's fault, and stays so however often it is retried."""


def database_error_is_transient(error: BaseException) -> bool:
    if isinstance(error, TRANSIENT_DATABASE_ERRORS):
        connection.close()  # a broken connection stays broken: the next attempt opens a new one
        return True
    return False


class PostgresSink:
    """A `streams.runtime.sink.TransactionalSink` that applies each handler result with `apply(result)`."""

    is_transient = staticmethod(database_error_is_transient)

    def __init__(self, consumer: str, apply: Callable[[Any], None]) -> None:
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

    def commit(self, results: Sequence[Any], offsets: Mapping[TopicPartition, int]) -> None:
        with transaction.atomic():
            consumer_lock(self.consumer, exclusive=False)  # waits while a rebuild replaces the read models
            for result in results:
                self.apply(result)
            ConsumedOffset.objects.bulk_create(
                [
                    ConsumedOffset(consumer=self.consumer, topic=tp.topic, partition=tp.partition, next_offset=offset)
                    for tp, offset in offsets.items()
                ],
                update_conflicts=True,
                unique_fields=["consumer", "topic", "partition"],
                update_fields=["next_offset"],
            )


class BatchPostgresSink(PostgresSink):
    """The same, for results that are cheaper to write together: `apply_batch(results)` once per transaction."""

    def __init__(self, consumer: str, apply_batch: Callable[[Sequence[Any]], None]) -> None:
        super().__init__(consumer, apply_batch)

    def commit(self, results: Sequence[Any], offsets: Mapping[TopicPartition, int]) -> None:
        super().commit((results,), offsets)
