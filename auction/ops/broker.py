"""What the ops page asks Kafka: offsets, committed positions, sizes. The I/O edge of the lag and topology views.

The page refreshes every few seconds, so nothing here is made per request: admin questions go
through the process's shared admin client (`auction.health.kafka_admin.ADMIN`, the one /healthz
uses too: made once, used by one caller at a time, rebuilt after an error), and the consumer that
counts unread records is made once and made again after an error (under `lock`: kafka-python
clients are not meant for concurrent callers).
"""
from __future__ import annotations

import threading
import time
from collections.abc import Collection, Iterable, Mapping

from django.conf import settings
from kafka import KafkaConsumer
from kafka.admin import OffsetSpec
from kafka.protocol.consumer.offsets import IsolationLevel
from kafka.structs import TopicPartition

from auction.health.kafka_admin import ADMIN, SharedAdmin
from auction.process_wide import ProcessWide
from streams import kafka_clients

TIMEOUT_MS = 3000
PROBE_SECONDS = 1.0


class Broker:
    def __init__(self, bootstrap_servers: str, admin: SharedAdmin = ADMIN) -> None:
        self._bootstrap = bootstrap_servers
        self._admin = admin
        self._consumer: KafkaConsumer | None = None
        self.lock = threading.Lock()

    def _ask(self, question):
        return self._admin.call(self._bootstrap, question)

    def partition_counts(self, topics: Iterable[str]) -> dict[str, int]:
        """Partitions per topic as the broker has them; topics it does not have are left out."""
        described = self._ask(lambda admin: admin.describe_topics(sorted(set(topics))))
        return {topic["name"]: len(topic["partitions"]) for topic in described if not topic["error_code"]}

    def offsets(self, partitions: Collection[TopicPartition], *, latest: bool) -> dict[TopicPartition, int]:
        """Log start or end offsets; the end is the last stable offset, as a read_committed consumer sees it."""
        if not partitions:
            return {}
        spec = OffsetSpec.LATEST if latest else OffsetSpec.EARLIEST
        found = self._ask(
            lambda admin: admin.list_partition_offsets({tp: spec for tp in partitions}, isolation_level=IsolationLevel.READ_COMMITTED)
        )
        return {tp: answer.offset for tp, answer in found.items()}

    def committed(self, groups: Iterable[str]) -> dict[str, dict[TopicPartition, int]]:
        """The offsets consumer groups committed to Kafka (sink processors keep theirs in PostgreSQL instead)."""
        found = self._ask(lambda admin: admin.list_group_offsets(sorted(set(groups))))
        return {group: {tp: meta.offset for tp, meta in offsets.items()} for group, offsets in found.items()}

    def sizes(self, topics: Iterable[str]) -> dict[str, int]:
        """Bytes on disk per topic, summed over partitions (and brokers)."""
        totals: dict[str, int] = {}
        for broker in self._ask(lambda admin: admin.describe_log_dirs(sorted(set(topics)))):
            for log_dir in broker["log_dirs"]:
                for topic in log_dir["topics"]:
                    size = sum(partition["partition_size"] for partition in topic["partitions"])
                    totals[topic["name"]] = totals.get(topic["name"], 0) + size
        return totals

    def unread(self, positions: Mapping[TopicPartition, int], ends: Mapping[TopicPartition, int]) -> dict[TopicPartition, int]:
        """How many records a read_committed consumer would still get between each position and its end.

        Offsets alone overstate lag: transaction markers and aborted records take offsets but are
        never delivered, so a caught-up processor on a transactional topic looks one behind.
        Partitions not settled within the probe's time are left out (callers keep the offset gap).
        """
        if not positions:
            return {}
        if self._consumer is None:
            self._consumer = kafka_clients.consumer(
                self._bootstrap,
                security=settings.KAFKA_SECURITY,
                client_id="ops-probe",
                isolation_level="read_committed",
                enable_auto_commit=False,
                request_timeout_ms=TIMEOUT_MS + 1000,
            )
        consumer = self._consumer
        try:
            consumer.assign(list(positions))
            for tp, offset in positions.items():
                consumer.seek(tp, offset)
            counts = dict.fromkeys(positions, 0)
            pending = set(positions)
            deadline = time.monotonic() + PROBE_SECONDS
            while pending and time.monotonic() < deadline:
                for tp, records in consumer.poll(timeout_ms=100).items():
                    counts[tp] += sum(1 for record in records if record.offset < ends[tp])
                pending = {tp for tp in pending if consumer.position(tp) < ends[tp]}
        except BaseException:
            self._consumer = None  # made again next time
            try:
                consumer.close()
            except Exception:
                pass
            raise
        return {tp: count for tp, count in counts.items() if tp not in pending}


shared_broker = ProcessWide(lambda: Broker(settings.KAFKA_BOOTSTRAP_SERVERS))
