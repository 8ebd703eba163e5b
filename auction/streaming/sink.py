"""Exactly-once into PostgreSQL: a batch's writes and the consumed offsets commit in one transaction.

A processor that writes PostgreSQL declares a `PostgresSink`: its consumer name (whose offsets
it keeps: the processor's name, and it follows the processor when that is renamed, see `renamed`),
its batch handler (`apply(results)`: everything the batch's records produced, applied
at once inside the transaction, so the handler can look up what the batch needs in a few queries
and write in bulk), and the tables it writes (`Tables`), which say what a rebuild empties.
"""
from __future__ import annotations

import copy
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from django.db import connection, models, transaction
from django.db.utils import InterfaceError, OperationalError
from kafka.structs import TopicPartition

from auction.streaming.locks import consumer_lock
from auction.streaming.models import ConsumedOffset
from streams.runtime.sink import OffsetsMoved

TRANSIENT_DATABASE_ERRORS = (OperationalError, InterfaceError, psycopg.OperationalError, psycopg.InterfaceError)
"""The server unreachable or restarting, a lost connection, a serialization failure, a deadlock, a
cancelled statement: psycopg files all of them under OperationalError. A DataError or an
IntegrityError is the data's fault, and stays so however often it is retried."""

BatchHandler = Callable[[Sequence[Any]], None]
"""`apply(results)`: a batch's handler results (in the order of their records), written inside the sink's transaction."""


def database_error_is_transient(error: BaseException) -> bool:
    if isinstance(error, TRANSIENT_DATABASE_ERRORS):
        connection.close()  # a broken connection stays broken: the next attempt opens a new one
        return True
    return False


@dataclass(frozen=True)
class Tables:
    """Every table a processor writes besides its offsets, by what a rebuild may do with it."""

    derived: tuple[type[models.Model], ...] = ()
    """Determined by the log alone: a rebuild empties them and replays the log into them."""
    per_consumer: tuple[type[models.Model], ...] = ()
    """Derived too, with rows per consumer (a `consumer` column, like the offsets): a rebuild deletes this consumer's."""
    kept: tuple[type[models.Model], ...] = ()
    """Hold what the log does not (what was done because of it): never emptied, so the processor
    cannot be rebuilt."""

    @property
    def rebuildable(self) -> bool:
        return bool(self.derived or self.per_consumer) and not self.kept

    def forget(self, consumer: str) -> None:
        """Empty what the consumer derived from the log and its offsets, so that it starts again from the beginning.

        Call inside a transaction (a rebuild's, or a reset's with the processor stopped)."""
        for model in self.derived:
            model.objects.all().delete()
        for model in self.per_consumer:
            model.objects.filter(consumer=consumer).delete()
        ConsumedOffset.objects.filter(consumer=consumer).delete()


class PostgresSink:
    """A `streams.runtime.sink.TransactionalSink` that applies each batch with `apply(results)`, offsets alongside."""

    is_transient = staticmethod(database_error_is_transient)

    def __init__(self, consumer: str, apply: BatchHandler, tables: Tables) -> None:
        self.consumer = consumer
        self.apply = apply
        self.tables = tables

    def renamed(self, consumer: str) -> PostgresSink:
        """This sink for its processor renamed `consumer` (`Processor.renamed`): offsets, per-consumer rows
        and the rebuild lock under that name, so a renamed copy never reads or moves the original's."""
        twin = copy.copy(self)
        twin.consumer = consumer
        return twin

    def write(self, results: Sequence[Any]) -> None:
        """Apply a batch's results (inside the transaction): `apply(results)`; a sink whose handler needs
        the consumer name (rows per consumer) overrides this to pass `self.consumer`."""
        self.apply(results)

    def load_offsets(self, partitions: Collection[TopicPartition]) -> Mapping[TopicPartition, int]:
        wanted = {(tp.topic, tp.partition) for tp in partitions}
        rows = ConsumedOffset.objects.filter(consumer=self.consumer, topic__in={t for t, _ in wanted})
        return {
            TopicPartition(row.topic, row.partition): row.next_offset
            for row in rows
            if (row.topic, row.partition) in wanted
        }

    def commit(
        self, results: Sequence[Any], offsets: Mapping[TopicPartition, int],
        expected: Mapping[TopicPartition, int | None] | None = None,
    ) -> None:
        with transaction.atomic():
            consumer_lock(self.consumer, exclusive=False)  # waits while a rebuild replaces the tables
            if expected:
                self._fence(expected)
            self.write(results)
            ConsumedOffset.objects.bulk_create(
                [
                    ConsumedOffset(consumer=self.consumer, topic=tp.topic, partition=tp.partition, next_offset=offset)
                    for tp, offset in offsets.items()
                ],
                update_conflicts=True,
                unique_fields=["consumer", "topic", "partition"],
                update_fields=["next_offset"],
            )

    def _fence(self, expected: Mapping[TopicPartition, int | None]) -> None:
        """Raise `OffsetsMoved` when another instance stored offsets other than `expected`; the rows stay locked
        until commit. Rows that are gone are no one's commit (a reset, or a test's database flush): the batch
        stores them again, as it did before there was a fence."""
        rows = ConsumedOffset.objects.select_for_update().filter(
            consumer=self.consumer, topic__in={tp.topic for tp in expected}
        ).order_by("topic", "partition")  # locked in one order by every instance: no deadlock between two
        stored = {TopicPartition(row.topic, row.partition): row.next_offset for row in rows}
        moved = {tp: (offset, stored[tp]) for tp, offset in expected.items() if tp in stored and stored[tp] != offset}
        if moved:
            raise OffsetsMoved(", ".join(f"{tp.topic}-{tp.partition}: read {was}, now {now}" for tp, (was, now) in moved.items()))

    def forget(self) -> None:
        """`Tables.forget` for this sink's consumer."""
        self.tables.forget(self.consumer)
