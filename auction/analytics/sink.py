"""Exactly-once into PostgreSQL for the analytics processor: one transaction per batch.

Built on the projector's `PostgresSink` (offsets in `ConsumedOffset`, committed with the rows),
but it applies a whole batch at once instead of event by event, because the pure core
decides per batch: it looks up the stored state the batch needs once, folds the batch, and
writes facts, window cells, late events, watermarks and recomputed summaries together.
"""
from collections.abc import Collection, Mapping, Sequence

from kafka.structs import TopicPartition

from auction.analytics.loading import histories, known_state
from auction.analytics.writing import changes_write, summaries_write
from auction.projector.sink import PostgresSink, database_error_is_transient
from streams.analytics.auctions import summarize
from streams.analytics.fold import Arrival, fold, needs
from streams.analytics.policy import Policy


class AnalyticsSink:
    """A `streams.runtime.sink.TransactionalSink` whose results are `Arrival`s."""

    is_transient = staticmethod(database_error_is_transient)

    def __init__(self, consumer: str, policy: Policy) -> None:
        self.consumer = consumer
        self.policy = policy
        self._postgres = PostgresSink(consumer, self._apply_batch)

    def load_offsets(self, partitions: Collection[TopicPartition]) -> Mapping[TopicPartition, int]:
        return self._postgres.load_offsets(partitions)

    def commit(self, results: Sequence[Arrival], offsets: Mapping[TopicPartition, int]) -> None:
        # PostgresSink applies each result in its transaction; handing it the batch as a single
        # result gets the batch applied in one go, next to the offsets.
        self._postgres.commit((results,), offsets)

    def _apply_batch(self, arrivals: Sequence[Arrival]) -> None:
        if not arrivals:
            return
        changes = fold(arrivals, known_state(needs(arrivals), consumer=self.consumer), self.policy)
        changes_write(changes, consumer=self.consumer)
        if changes.to_summarize:
            summaries_write(summarize(history, self.policy) for history in histories(changes.to_summarize))
