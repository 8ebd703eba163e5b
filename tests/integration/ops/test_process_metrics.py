"""Every process serves Prometheus metrics: the Celery worker (with its queue's backlog) and beat too.

The web process's /metrics is in test_access, a processor's endpoint in test_overview.
"""
import urllib.request
import uuid

import redis

from tests.integration.notifications.support import celery_beat, celery_worker, eventually
from tests.integration.readiness import free_port

METRICS_TIMEOUT_S = 20


def _scrape(port: int) -> str | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as response:
            return response.read().decode()
    except OSError:
        return None


def test_the_celery_worker_and_beat_serve_metrics(processor_env, redis_url, tmp_path):
    queue = f"ops-metrics-{uuid.uuid4().hex[:8]}"  # nobody else's tasks, and beat's go nowhere
    env = {**processor_env, "REDIS_URL": redis_url, "NOTIFY_QUEUE": queue}
    worker_port, beat_port = free_port(), free_port()
    worker = celery_worker({**env, "CELERY_METRICS_PORT": str(worker_port)}, tmp_path / "worker.log", queue).start()
    beat = celery_beat({**env, "CELERY_METRICS_PORT": str(beat_port)}, tmp_path).start()
    try:
        worker_metrics = eventually(lambda: _scrape(worker_port), timeout_s=METRICS_TIMEOUT_S, what="worker metrics")
        beat_metrics = eventually(lambda: _scrape(beat_port), timeout_s=METRICS_TIMEOUT_S, what="beat metrics")
    finally:
        beat.stop()
        worker.stop()
        redis.Redis.from_url(redis_url).delete(queue)
    assert f'auction_celery_queue_length{{queue="{queue}"}}' in worker_metrics
    assert "process_cpu_seconds_total" in worker_metrics and "process_cpu_seconds_total" in beat_metrics
