"""One probe per dependency; each returns "ok" or a short reason, never raises.

The probes run often (every /healthz, every ops page poll), so clients are made once per process
and kept: Kafka is asked through the process's shared admin client (`kafka_admin.ADMIN`, which
the ops page uses too: made on first use, rebuilt after an error, used by one caller at a time),
and its answer is kept for `HEALTH_KAFKA_CACHE_SECONDS`; one Redis client per URL (redis-py's
pool is thread-safe). PostgreSQL is asked through Django's connection of the calling thread,
which is given back afterwards.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable

import redis
from django.conf import settings
from django.db import connection

from auction.health.kafka_admin import ADMIN, AdminBusy, SharedAdmin

TIMEOUT_S = 2


def kafka_bootstrap() -> str:
    """The address the Kafka probe asks: `HEALTH_KAFKA_BOOTSTRAP_SERVERS`, else the platform's."""
    return getattr(settings, "HEALTH_KAFKA_BOOTSTRAP_SERVERS", "") or settings.KAFKA_BOOTSTRAP_SERVERS


class KafkaProbe:
    """Asks the cluster to describe itself through the shared admin client; the answer is kept `ttl_s`
    (`HEALTH_KAFKA_CACHE_SECONDS` unless given) per address, so a burst of probes asks Kafka once."""

    def __init__(self, admin: SharedAdmin = ADMIN, *, ttl_s: float | None = None) -> None:
        self._admin = admin
        self._ttl_s = ttl_s
        self._lock = threading.Lock()
        self._kept: dict[str, tuple[float, str]] = {}
        self.asked = 0
        """How many times Kafka was actually asked."""

    def _ttl(self) -> float:
        return settings.HEALTH_KAFKA_CACHE_SECONDS if self._ttl_s is None else self._ttl_s

    def status(self, bootstrap_servers: str) -> str:
        if not self._lock.acquire(timeout=TIMEOUT_S):
            return "error: the previous probe has not finished"
        try:
            kept = self._kept.get(bootstrap_servers)
            if kept is not None and time.monotonic() - kept[0] < self._ttl():
                return kept[1]
            result = self._ask(bootstrap_servers)
            self._kept[bootstrap_servers] = (time.monotonic(), result)
            return result
        finally:
            self._lock.release()

    def _ask(self, bootstrap_servers: str) -> str:
        self.asked += 1
        try:
            self._admin.call(bootstrap_servers, lambda admin: admin.describe_cluster(), wait_s=TIMEOUT_S)
        except AdminBusy:
            return "error: the Kafka admin client stayed busy (a previous request has not finished)"
        except Exception as exc:  # any failure means "not ok"; the reason is reported, the client replaced
            return f"error: {type(exc).__name__}"
        return "ok"

    def forget(self) -> None:
        with self._lock:
            self._kept.clear()


KAFKA = KafkaProbe()
_redis_clients: dict[str, redis.Redis] = {}
_redis_lock = threading.Lock()


def kafka_status() -> str:
    return KAFKA.status(kafka_bootstrap())


def postgres_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:
        return f"error: {type(exc).__name__}"
    finally:
        if not connection.in_atomic_block:  # a worker thread's connection goes back to the pool
            connection.close()
    return "ok"


def _redis(url: str) -> redis.Redis:
    with _redis_lock:
        client = _redis_clients.get(url)
        if client is None:
            client = _redis_clients[url] = redis.Redis.from_url(
                url, socket_timeout=TIMEOUT_S, socket_connect_timeout=TIMEOUT_S
            )
        return client


def redis_status() -> str:
    try:
        _redis(settings.REDIS_URL).ping()
    except Exception as exc:
        return f"error: {type(exc).__name__}"
    return "ok"


CHECKS: dict[str, Callable[[], str]] = {
    "kafka": kafka_status,
    "postgres": postgres_status,
    "redis": redis_status,
}
