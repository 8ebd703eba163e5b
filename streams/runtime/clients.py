"""The Kafka clients a processor instance uses, configured for exactly-once in one place.

The `Runner` gets them from a `ClientFactory`: `KAFKA_CLIENTS` (the real kafka-python clients
below, made through `streams.kafka_clients`) unless it is given another, such as the unit
tests' in-memory broker.
"""
from __future__ import annotations

import copy
import logging
from typing import Iterable, Protocol

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.protocol.consumer import IsolationLevel
from kafka.structs import TopicPartition

from streams import kafka_clients
from streams.runtime.assignor import CopartitionedCooperativeStickyAssignor
from streams.runtime.config import RuntimeConfig
from streams.runtime.partitioner import KeyHashPartitioner

log = logging.getLogger(__name__)

PRODUCER_TUNING = {"acks": "all", "linger_ms": 5, "batch_size": 256 * 1024, "metrics_enabled": False}
"""Throughput settings shared with the benchmark's bare loop, so the comparison is fair."""
CONSUMER_TUNING = {"fetch_max_wait_ms": 500, "enable_auto_commit": False, "metrics_enabled": False}


class GroupConsumer(KafkaConsumer):
    """kafka-python's consumer, with a seek that drops what the client parked for the partition.

    kafka-python 3.0.12 parks the records of a partition paused part-way through a fetch, and
    takes them back after `resume` only in a moment that hardly ever comes; until then it never
    fetches that partition again, so a resumed partition can stay unread for good. The Java
    client drops a partition's buffered records on seek; so does this one, so the runner's
    `resume` then `seek(tp, position(tp))` has the partition fetched again, from where it stands.
    """

    def seek(self, partition: TopicPartition, offset: int) -> None:
        super().seek(partition, offset)
        fetcher = self._fetcher
        parked = getattr(fetcher, "_paused_partition_records", {}).pop(partition, None)
        if parked is not None:
            parked.drain()
        getattr(fetcher, "_paused_completed_fetches", {}).pop(partition, None)

    def high_watermarks(self, partitions: Iterable[TopicPartition], timeout_ms: int | None = None) -> dict[TopicPartition, int]:
        """Each partition's high watermark, asked of its leader: the end of its log, open transactions included.

        A read_committed consumer's `end_offsets` answers the last stable offset, which stops at a
        transaction whose commit markers have not reached that partition yet. Markers are written to
        each partition of a transaction separately, so for a moment a reader can see one topic's part of
        a transaction and not the other's, and the last stable offset calls the late one caught up.
        kafka-python asks with its fetcher's isolation level and has no call to ask otherwise: this asks
        through a copy of the fetcher (same connections and metadata) that reads uncommitted.
        """
        view = getattr(self, "_uncommitted_offsets", None)
        if view is None:
            view = self._uncommitted_offsets = copy.copy(self._fetcher)
            if not hasattr(view, "_isolation_level"):
                raise RuntimeError("this kafka-python's fetcher has no _isolation_level: cannot ask for high watermarks")
            view._isolation_level = IsolationLevel.READ_UNCOMMITTED
        timeout_ms = self.config["request_timeout_ms"] if timeout_ms is None else timeout_ms  # as end_offsets: never unbounded
        return view.end_offsets(list(partitions), timeout_ms)


def group_consumer(config: RuntimeConfig, group_id: str, partitions: int | None = None) -> GroupConsumer:
    """A member of the processor's group; `partitions` (each input's count, when known) feeds the assignor."""
    return kafka_clients.consumer(
        config.bootstrap_servers,
        security=config.security,
        kind=GroupConsumer,
        client_id=f"{group_id}-{config.instance_id}",
        group_id=group_id,
        group_instance_id=f"{group_id}-{config.instance_id}" if config.static_membership else None,
        isolation_level="read_committed",
        auto_offset_reset="earliest",
        partition_assignment_strategy=[CopartitionedCooperativeStickyAssignor(partitions)],
        max_poll_records=config.max_batch,
        session_timeout_ms=config.session_timeout_ms,
        heartbeat_interval_ms=max(config.session_timeout_ms // 5, 500),
        # kafka-python checks fetch waits against the request timeout once, here: the idle one must pass too.
        request_timeout_ms=max(30_000, 2 * max(config.fetch_max_wait_ms, config.idle_fetch_max_wait_ms)),
        **{**CONSUMER_TUNING, "fetch_max_wait_ms": config.fetch_max_wait_ms},
    )


def set_fetch_max_wait(consumer: KafkaConsumer, wait_ms: int) -> None:
    """How long the broker may hold the consumer's next fetches when there is nothing new.

    kafka-python reads it from its fetcher's settings for every fetch it sends and has no public
    call to change it; a fetch already sent keeps the wait it was sent with. A client without that
    setting keeps the wait it was made with (a warning says so)."""
    settings = getattr(getattr(consumer, "_fetcher", None), "config", None)
    if not isinstance(settings, dict) or "fetch_max_wait_ms" not in settings:
        log.warning("this kafka-python has no fetcher setting fetch_max_wait_ms: fetches keep their wait")
        return
    settings["fetch_max_wait_ms"] = wait_ms


def restore_consumer(config: RuntimeConfig) -> KafkaConsumer:
    """Reads changelogs with manual assignment: committed records only, in big fetches.

    Restoring stops at each partition's high watermark, which only fetch responses carry.
    An incremental fetch session leaves unchanged partitions out of its responses, so a
    partition restored a second time (by the same reused consumer) might never report one:
    full fetches always do.
    """
    return kafka_clients.consumer(
        config.bootstrap_servers,
        security=config.security,
        client_id=f"restore-{config.instance_id}",
        isolation_level="read_committed",
        auto_offset_reset="earliest",
        enable_incremental_fetch_sessions=False,
        max_poll_records=50_000,
        max_partition_fetch_bytes=16 * 1024 * 1024,
        fetch_max_bytes=64 * 1024 * 1024,
        **CONSUMER_TUNING,
    )


def transactional_producer(config: RuntimeConfig, transactional_id: str) -> KafkaProducer:
    return _producer(
        config,
        transactional_id,
        transactional_id=transactional_id,
        transaction_timeout_ms=config.transaction_timeout_ms,
        partitioner=KeyHashPartitioner(),
    )


def idempotent_producer(config: RuntimeConfig, client_id: str) -> KafkaProducer:
    return _producer(config, client_id, enable_idempotence=True)


def _producer(config: RuntimeConfig, client_id: str, **guarantee: object) -> KafkaProducer:
    """A tuned producer that blocks no longer than a commit may take; `guarantee`: transactions or idempotence."""
    return kafka_clients.producer(
        config.bootstrap_servers,
        security=config.security,
        client_id=client_id,
        max_block_ms=config.commit_timeout_ms,
        **guarantee,
        **PRODUCER_TUNING,
    )


def admin_client(config: RuntimeConfig) -> KafkaAdminClient:
    return kafka_clients.admin(config.bootstrap_servers, security=config.security, client_id=f"admin-{config.instance_id}")


class ClientFactory(Protocol):
    """Everything the runner asks for its clients (one call per client it makes)."""

    def group_consumer(self, config: RuntimeConfig, group_id: str, partitions: int | None = None) -> GroupConsumer: ...

    def set_fetch_max_wait(self, consumer: KafkaConsumer, wait_ms: int) -> None: ...

    def restore_consumer(self, config: RuntimeConfig) -> KafkaConsumer: ...

    def transactional_producer(self, config: RuntimeConfig, transactional_id: str) -> KafkaProducer: ...

    def idempotent_producer(self, config: RuntimeConfig, client_id: str) -> KafkaProducer: ...

    def admin_client(self, config: RuntimeConfig) -> KafkaAdminClient: ...


class KafkaClients:
    """The real clients: kafka-python, configured as above."""

    group_consumer = staticmethod(group_consumer)
    set_fetch_max_wait = staticmethod(set_fetch_max_wait)
    restore_consumer = staticmethod(restore_consumer)
    transactional_producer = staticmethod(transactional_producer)
    idempotent_producer = staticmethod(idempotent_producer)
    admin_client = staticmethod(admin_client)


KAFKA_CLIENTS: ClientFactory = KafkaClients()
