"""One probe per dependency; each returns "ok" or a short reason, never raises."""
from collections.abc import Callable

import redis
from django.conf import settings
from django.db import connection
from kafka import KafkaAdminClient

TIMEOUT_S = 2


def kafka_status() -> str:
    try:
        admin = KafkaAdminClient(
            bootstrap_servers=settings.KAFKA_BOOTSTRAP_SERVERS,
            request_timeout_ms=TIMEOUT_S * 1000,
            bootstrap_timeout_ms=TIMEOUT_S * 1000,
            client_id="healthz",
        )
        try:
            admin.describe_cluster()
        finally:
            admin.close()
    except Exception as exc:  # any failure means "not ok"; the reason is reported
        return f"error: {type(exc).__name__}"
    return "ok"


def postgres_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:
        connection.close()
        return f"error: {type(exc).__name__}"
    return "ok"


def redis_status() -> str:
    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=TIMEOUT_S, socket_connect_timeout=TIMEOUT_S)
        client.ping()
        client.close()
    except Exception as exc:
        return f"error: {type(exc).__name__}"
    return "ok"


CHECKS: dict[str, Callable[[], str]] = {
    "kafka": kafka_status,
    "postgres": postgres_status,
    "redis": redis_status,
}


def dependency_report() -> dict[str, str]:
    return {name: check() for name, check in CHECKS.items()}
