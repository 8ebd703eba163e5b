"""Where the live processor's batches go, and where it starts reading.

A `streams.runtime.sink.TransactionalSink`: the runtime hands each batch's messages to `commit`,
which queues them on the push path, and asks `load_offsets` where to begin a partition. The answer
is always the end of the log. A live view is about now: a new or restarted instance has no use
for the past (which the read models already show), and replaying a long log before the first
push would keep every open page waiting. Nothing is stored, so nothing needs restoring; pages
notice what a restart skipped from the next sequence number and resync (at most once, by design).
"""
from collections.abc import Collection, Mapping, Sequence

import redis
from django.conf import settings
from kafka.structs import TopicPartition

from auction.live.messages import Push
from auction.live.push import Pusher
from streams import kafka_clients


class PushSink:
    @staticmethod
    def is_transient(error: BaseException) -> bool:
        """Redis away or slow: the batch is pushed again once it answers."""
        return isinstance(error, (redis.ConnectionError, redis.TimeoutError, ConnectionError, TimeoutError))

    def __init__(self, pusher: Pusher) -> None:
        self.pusher = pusher

    def load_offsets(self, partitions: Collection[TopicPartition]) -> Mapping[TopicPartition, int]:
        consumer = kafka_clients.consumer(
            settings.KAFKA_BOOTSTRAP_SERVERS,
            security=settings.KAFKA_SECURITY,
            isolation_level="read_committed",
            enable_auto_commit=False,
        )
        try:
            return consumer.end_offsets(list(partitions))
        finally:
            consumer.close()

    def commit(self, results: Sequence[Push], offsets: Mapping[TopicPartition, int], expected=None) -> None:
        """Pushes: nothing stored, so nothing to fence (`expected` is not looked at)."""
        self.pusher.push(results)
