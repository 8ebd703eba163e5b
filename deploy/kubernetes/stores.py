"""Where data lives besides Kafka: PostgreSQL (CloudNativePG), Valkey, and the uploaded photos.

PostgreSQL runs as three instances with synchronous replication to at least one standby, so a
failover loses no committed transaction (the sink processors' consumed offsets commit with their
rows: a lost commit would be replayed, never counted twice, but a read model would go back in time).

Valkey is one pod with an append-only file on its volume, restarted by Kubernetes when it dies:
what lives there is either short-lived (throttle and rate counters, the analytics cache, live
pushes, read-your-writes announcements) or recovered from PostgreSQL (`resend_stalled` queues an
email job again); the beat leader lock is taken again once its holder is gone. A managed
Redis-compatible service with failover behind one address can replace it (`REDIS_URL`).
"""
from __future__ import annotations

from deploy.kubernetes import cluster


def postgres() -> dict:
    return {
        "apiVersion": "postgresql.cnpg.io/v1",
        "kind": "Cluster",
        "metadata": {"name": cluster.POSTGRES_CLUSTER},
        "spec": {
            "instances": cluster.POSTGRES_INSTANCES,
            "bootstrap": {"initdb": {"database": "auction", "owner": "auction"}},
            "postgresql": {
                "parameters": {"max_connections": "400"},
                "synchronous": {"method": "any", "number": 1},
            },
            "storage": {"size": "50Gi"},
            "resources": {"requests": {"cpu": "1", "memory": "2Gi"}, "limits": {"memory": "2Gi"}},
            "affinity": {"enablePodAntiAffinity": True, "topologyKey": "kubernetes.io/hostname"},
        },
    }


def valkey() -> list[dict]:
    labels = {"app.kubernetes.io/name": cluster.VALKEY}
    container = {
        "name": "valkey",
        "image": "valkey/valkey:8.1",
        "args": ["--appendonly", "yes", "--dir", "/data"],
        "ports": [{"name": "redis", "containerPort": 6379}],
        "readinessProbe": {"exec": {"command": ["valkey-cli", "ping"]}, "periodSeconds": 5},
        "livenessProbe": {"tcpSocket": {"port": "redis"}, "periodSeconds": 10},
        "resources": {"requests": {"cpu": "250m", "memory": "512Mi"}, "limits": {"memory": "1Gi"}},
        "volumeMounts": [{"name": "data", "mountPath": "/data"}],
    }
    stateful_set = {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": cluster.VALKEY, "labels": labels},
        "spec": {
            "serviceName": cluster.VALKEY,
            "replicas": 1,
            "selector": {"matchLabels": labels},
            "template": {"metadata": {"labels": labels}, "spec": {"containers": [container]}},
            "volumeClaimTemplates": [{
                "metadata": {"name": "data"},
                "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "5Gi"}}},
            }],
        },
    }
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": cluster.VALKEY, "labels": labels},
        "spec": {"selector": labels, "ports": [{"name": "redis", "port": 6379, "targetPort": "redis"}]},
    }
    return [stateful_set, service]


def media_claim() -> dict:
    """The photos every web pod serves and stores: one volume shared by all (ReadWriteMany)."""
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": cluster.MEDIA_CLAIM},
        "spec": {"accessModes": ["ReadWriteMany"], "resources": {"requests": {"storage": "50Gi"}}},
    }
