"""The names, image and sizes the manifests share: change them here, then `--write` again."""
from __future__ import annotations

from dataclasses import dataclass

NAMESPACE = "auction"
IMAGE = "registry.example.com/open-auction:latest"
"""The application image built from deploy/container/Containerfile; a real deployment pins a digest."""
APP_LABEL = "open-auction"

KAFKA_CLUSTER = "auction"
"""The Strimzi `Kafka` resource's name; Strimzi derives the services and secrets below from it."""
KAFKA_BOOTSTRAP = f"{KAFKA_CLUSTER}-kafka-bootstrap:9093"
"""Strimzi's bootstrap service, on the internal TLS listener with SCRAM-SHA-512."""
KAFKA_CA_SECRET = f"{KAFKA_CLUSTER}-cluster-ca-cert"
"""Strimzi's secret with the cluster CA's certificate (`ca.crt`), which clients check the brokers against."""
KAFKA_BROKERS = 3
KAFKA_REPLICATION = 3
KAFKA_MIN_INSYNC = 2

POSTGRES_CLUSTER = "auction-db"
POSTGRES_INSTANCES = 3
POSTGRES_APP_SECRET = f"{POSTGRES_CLUSTER}-app"
"""CloudNativePG's secret for the application's owner role; its `uri` key is a full connection URL."""

VALKEY = "valkey"
REDIS_URL = f"redis://{VALKEY}:6379/0"

APP_SECRET = "auction-secrets"
"""Made by the operator, never committed: DJANGO_SECRET_KEY (one for every web pod, or sessions and
CSRF tokens made by one pod fail on the others), and EMAIL_HOST_PASSWORD (the Celery worker's, optional)."""
CONFIG_MAP = "auction-config"
MEDIA_CLAIM = "auction-media"
"""Uploaded listing photos: a ReadWriteMany volume every web pod mounts, so a photo uploaded through
one pod is served by all of them."""
DATA_DIR = "/var/lib/auction"

WEB_PORT = 8000
METRICS_PORT = 9400
"""Every processor instance serves /metrics, /livez, /readyz and /status here (its own pod address)."""

PROMETHEUS_URL = "http://prometheus-operated.monitoring.svc:9090"
"""Where KEDA reads the lag of processors whose offsets live in PostgreSQL (the Prometheus that
scrapes the pods' `prometheus.io/*` annotations)."""


@dataclass(frozen=True)
class Size:
    """A workload's replicas and resources (requests; the memory limit is also the request's ceiling)."""

    replicas: int
    cpu: str
    memory: str
    memory_limit: str
    max_replicas: int | None = None
    """Autoscaled up to this many (processors: never more than the partitions of their inputs)."""
    lag_threshold: int | None = None
    """Records of lag per instance that KEDA aims for."""

    def resources(self) -> dict:
        return {"requests": {"cpu": self.cpu, "memory": self.memory}, "limits": {"memory": self.memory_limit}}


WEB = Size(replicas=3, cpu="500m", memory="512Mi", memory_limit="1Gi", max_replicas=10)
CELERY_WORKER = Size(replicas=2, cpu="250m", memory="384Mi", memory_limit="768Mi")
CELERY_BEAT = Size(replicas=2, cpu="50m", memory="192Mi", memory_limit="384Mi")
"""Two beat pods: one holds the leader lock in Redis and schedules, the other waits to take over."""
PROCESSOR_DEFAULT = Size(replicas=2, cpu="250m", memory="384Mi", memory_limit="1Gi", lag_threshold=1000)
PROCESSOR_SIZES = {
    "bidding": Size(replicas=2, cpu="500m", memory="512Mi", memory_limit="1Gi", lag_threshold=100),
    "projector": Size(replicas=2, cpu="500m", memory="512Mi", memory_limit="1Gi", lag_threshold=500),
}
"""Sizes other than the default, by processor name (lag thresholds as on the ops page)."""


def processor_size(name: str, partitions: int) -> Size:
    size = PROCESSOR_SIZES.get(name, PROCESSOR_DEFAULT)
    return Size(size.replicas, size.cpu, size.memory, size.memory_limit, partitions, size.lag_threshold)
