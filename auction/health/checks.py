"""One probe per dependency; each returns "ok" or a short reason, never raises.

The probes run often (every /healthz, every ops page poll), so clients are made once per process
and kept: one Kafka admin client, made on first use and made again after any error (kafka-python
clients are not meant for concurrent callers, so probes take turns), and one Redis client per URL
(redis-py's pool is thread-safe). PostgreSQL is asked through Django's connection of the calling
thread, which is given back afterwards.
"""
from __future__ import annotations

import threading
from collections.abc import Callable

import redis
from django.conf import settings
from django.db import connection
from kafka import KafkaAdminClient

from streams import kafka_clients

TIMEOUT_S = 2


def kafka_bootstrap() -> str:
    """The address the Kafka probe asks: `HEALTH_KAFKA_BOOTSTRAP_SERVERS`, else the platform's."""
    return getattr(settings, "HEALTH_KAFKA_BOOTSTRAP_SERVERS", "") or settings.KAFKA_BOOTSTRAP_SERVERS


def _admin_client(bootstrap_servers: str) -> KafkaAdminClient:
    return kafka_clients.admin(
        bootstrap_servers,
        security=settings.KAFKA_SECURITY,
        request_timeout_ms=TIMEOUT_S * 1000,
        bootstrap_timeout_ms=TIMEOUT_S * 1000,
        client_id="healthz",
    )


class KafkaProbe:
    """One shared admin client, created lazily, re-created after an error or for another address."""

    def __init__(self, factory: Callable[[str], KafkaAdminClient] = _admin_client) -> None:
        self._factory = factory
        self._lock = threading.Lock()
        self._admin: KafkaAdminClient | None = None
        self._bootstrap: str | None = None

    def status(self, bootstrap_servers: str) -> str:
        if not self._lock.acquire(timeout=TIMEOUT_S):
            return "error: the previous probe has not finished"
        try:
            if self._admin is not None and self._bootstrap != bootstrap_servers:
                self._discard()
            if self._admin is None:
                self._admin, self._bootstrap = self._factory(bootstrap_servers), bootstrap_servers
            self._admin.describe_cluster()
        except Exception as exc:  # any failure means "not ok"; the reason is reported, the client replaced
            self._discard()
            return f"error: {type(exc).__name__}"
        finally:
            self._lock.release()
        return "ok"

    def _discard(self) -> None:
        admin, self._admin, self._bootstrap = self._admin, None, None
        if admin is not None:
            try:
                admin.close()
            except Exception:
                pass  # it is being thrown away because it failed


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
