"""The Kafka clients a processor instance uses, configured for exactly-once in one place."""
from __future__ import annotations

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer

from streams.runtime.assignor import CopartitionedCooperativeStickyAssignor
from streams.runtime.config import RuntimeConfig

PRODUCER_TUNING = {"acks": "all", "linger_ms": 5, "batch_size": 256 * 1024, "metrics_enabled": False}
"""Throughput settings shared with the benchmark's bare loop, so the comparison is fair."""
CONSUMER_TUNING = {"fetch_max_wait_ms": 100, "enable_auto_commit": False, "metrics_enabled": False}


def group_consumer(config: RuntimeConfig, group_id: str, partitions: int | None = None) -> KafkaConsumer:
    """A member of the processor's group; `partitions` (each input's count, when known) feeds the assignor."""
    return KafkaConsumer(
        bootstrap_servers=config.bootstrap_servers,
        client_id=f"{group_id}-{config.instance_id}",
        group_id=group_id,
        group_instance_id=f"{group_id}-{config.instance_id}" if config.static_membership else None,
        isolation_level="read_committed",
        auto_offset_reset="earliest",
        partition_assignment_strategy=[CopartitionedCooperativeStickyAssignor(partitions)],
        max_poll_records=config.max_batch,
        session_timeout_ms=config.session_timeout_ms,
        heartbeat_interval_ms=max(config.session_timeout_ms // 5, 500),
        **CONSUMER_TUNING,
    )


def restore_consumer(config: RuntimeConfig) -> KafkaConsumer:
    """Reads changelogs with manual assignment: committed records only, in big fetches.

    Restoring stops at each partition's high watermark, which only fetch responses carry.
    An incremental fetch session leaves unchanged partitions out of its responses, so a
    partition restored a second time (by the same reused consumer) might never report one:
    full fetches always do.
    """
    return KafkaConsumer(
        bootstrap_servers=config.bootstrap_servers,
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
    return KafkaProducer(
        bootstrap_servers=config.bootstrap_servers,
        client_id=transactional_id,
        transactional_id=transactional_id,
        transaction_timeout_ms=config.transaction_timeout_ms,
        max_block_ms=config.commit_timeout_ms,
        **PRODUCER_TUNING,
    )


def idempotent_producer(config: RuntimeConfig, client_id: str) -> KafkaProducer:
    return KafkaProducer(
        bootstrap_servers=config.bootstrap_servers,
        client_id=client_id,
        enable_idempotence=True,
        max_block_ms=config.commit_timeout_ms,
        **PRODUCER_TUNING,
    )


def admin_client(config: RuntimeConfig) -> KafkaAdminClient:
    return KafkaAdminClient(bootstrap_servers=config.bootstrap_servers, client_id=f"admin-{config.instance_id}")
