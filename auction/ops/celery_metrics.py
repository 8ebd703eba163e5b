"""Prometheus endpoints of the Celery worker and beat, which have no HTTP server of their own.

`CELERY_METRICS_PORT` in the environment of `celery worker` or `celery beat` opens one on
127.0.0.1 when the process is up (unset: none). Both serve the process's own figures (CPU,
memory, open files); the worker adds the length of its queues in Redis, the backlog of
email jobs waiting for it. Counting tasks would need prometheus_client's multiprocess mode,
since prefork runs them in child processes; the notifications ledger already records each
email's fate.
"""
import os

import redis
from celery import signals
from prometheus_client import REGISTRY, start_http_server
from prometheus_client.core import GaugeMetricFamily

PORT_VARIABLE = "CELERY_METRICS_PORT"


class QueueLengthCollector:
    """Messages waiting in each queue this worker consumes, read from Redis at scrape time."""

    NAME = "auction_celery_queue_length"
    HELP = "Tasks waiting in the queue"
    LABELS = ("queue",)

    def __init__(self, broker_url: str, queues: list[str]) -> None:
        self._client = redis.Redis.from_url(broker_url, socket_timeout=2)
        self._queues = queues

    def collect(self):
        gauge = GaugeMetricFamily(self.NAME, self.HELP, labels=list(self.LABELS))
        for queue in self._queues:
            gauge.add_metric([queue], self._client.llen(queue))
        yield gauge

    def describe(self):
        return []


def _serve() -> bool:
    port = os.environ.get(PORT_VARIABLE)
    if port:
        start_http_server(int(port), addr="127.0.0.1")
    return bool(port)


@signals.worker_ready.connect
def _worker_ready(sender, **kwargs) -> None:
    if _serve():
        queues = [queue.name for queue in sender.app.amqp.queues.consume_from.values()]
        REGISTRY.register(QueueLengthCollector(sender.app.conf.broker_url, queues))


@signals.beat_init.connect
def _beat_init(sender, **kwargs) -> None:
    _serve()
