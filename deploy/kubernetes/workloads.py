"""What runs the application image: the web tier, one Deployment per processor, Celery, the migration Job.

Every pod runs as its own Kafka principal (the web tier as `web`, a processor under its name), with
the password Strimzi keeps in the secret of that name and the cluster CA mounted to check the
brokers. Celery and the migration Job never talk to Kafka and get no Kafka settings at all.

Processors: each instance takes its pod's name as its instance id (`STREAMS_INSTANCE_ID`, unique
per pod, so no two instances share a transactional id), serves its endpoint on `METRICS_PORT` on
the pod's address (liveness `/livez`, readiness `/readyz`: holding partitions and not stuck), and
is replaced one pod at a time (maxSurge 0: a surplus instance beyond the partitions would never
hold work, so never be ready). Its `ScaledObject` (KEDA) sets the replicas from the lag: Kafka's
own committed offsets for a processor that commits to Kafka (bidding); the instances' exported
`streams_consumer_lag` (through Prometheus) for one whose offsets live in PostgreSQL with its rows,
where Kafka holds no offsets for KEDA to read. Never more replicas than partitions.
"""
from __future__ import annotations

from collections.abc import Sequence

from deploy.kubernetes import cluster
from streams.acls import WEB
from streams.runtime.processor import Processor
from streams.topics import topic_named

KAFKA_CA_DIR = "/etc/kafka-ca"
MEDIA_DIR = f"{cluster.DATA_DIR}/media"
PROBE_HOST = "localhost"
"""Host header of the kubelet's probes of the web tier: one of DJANGO_ALLOWED_HOSTS (a pod address is not)."""


def _labels(component: str) -> dict:
    return {"app.kubernetes.io/name": cluster.APP_LABEL, "app.kubernetes.io/component": component}


def _secret_env(name: str, secret: str, key: str) -> dict:
    return {"name": name, "valueFrom": {"secretKeyRef": {"name": secret, "key": key}}}


def _base_env() -> list[dict]:
    return [
        _secret_env("DATABASE_URL", cluster.POSTGRES_APP_SECRET, "uri"),
        _secret_env("DJANGO_SECRET_KEY", cluster.APP_SECRET, "DJANGO_SECRET_KEY"),
    ]


def _kafka_env(principal: str) -> list[dict]:
    """The principal's credentials: `streams.kafka_clients` reads these in every process."""
    return [
        {"name": "KAFKA_BOOTSTRAP_SERVERS", "value": cluster.KAFKA_BOOTSTRAP},
        {"name": "KAFKA_SECURITY_PROTOCOL", "value": "SASL_SSL"},
        {"name": "KAFKA_SASL_MECHANISM", "value": "SCRAM-SHA-512"},
        {"name": "KAFKA_SASL_USERNAME", "value": principal},
        _secret_env("KAFKA_SASL_PASSWORD", principal, "password"),
        {"name": "KAFKA_SSL_CAFILE", "value": f"{KAFKA_CA_DIR}/ca.crt"},
    ]


_KAFKA_CA_VOLUME = {"name": "kafka-ca", "secret": {"secretName": cluster.KAFKA_CA_SECRET, "items": [{"key": "ca.crt", "path": "ca.crt"}]}}
_KAFKA_CA_MOUNT = {"name": "kafka-ca", "mountPath": KAFKA_CA_DIR, "readOnly": True}


def _container(name: str, command: list[str], env: list[dict], size: cluster.Size, **extra) -> dict:
    return {
        "name": name,
        "image": cluster.IMAGE,
        "command": command,
        "envFrom": [{"configMapRef": {"name": cluster.CONFIG_MAP}}],
        "env": env,
        "resources": size.resources(),
        "securityContext": {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": False, "runAsNonRoot": True},
        **extra,
    }


APP_USER = 10001
"""The image's user (deploy/container/Containerfile); the group owns mounted volumes (the photos)."""
_POD_SECURITY = {"runAsNonRoot": True, "runAsUser": APP_USER, "runAsGroup": APP_USER, "fsGroup": APP_USER}


def _deployment(name: str, component: str, size: cluster.Size, pod: dict, *, strategy: dict | None = None,
                annotations: dict | None = None) -> dict:
    labels = _labels(component)
    pod = {**pod, "securityContext": _POD_SECURITY}
    template_metadata: dict = {"labels": labels}
    if annotations:
        template_metadata["annotations"] = annotations
    spec: dict = {"replicas": size.replicas, "selector": {"matchLabels": labels}, "template": {"metadata": template_metadata, "spec": pod}}
    if strategy:
        spec["strategy"] = strategy
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "labels": labels}, "spec": spec}


def _spread(component: str) -> list[dict]:
    """Replicas on different nodes where there are several: one node lost takes one replica."""
    return [{
        "maxSkew": 1,
        "topologyKey": "kubernetes.io/hostname",
        "whenUnsatisfiable": "ScheduleAnyway",
        "labelSelector": {"matchLabels": _labels(component)},
    }]


def _disruption_budget(name: str, component: str) -> dict:
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": name},
        "spec": {"maxUnavailable": 1, "selector": {"matchLabels": _labels(component)}},
    }


# --- configuration -------------------------------------------------------------------------------


def config_map() -> dict:
    """Settings every application pod shares; secrets are in `cluster.APP_SECRET` and the operators' secrets."""
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": cluster.CONFIG_MAP},
        "data": {
            "AUCTION_DATA_DIR": cluster.DATA_DIR,
            "REDIS_URL": cluster.REDIS_URL,
            "DJANGO_SECURE": "1",
            "DJANGO_ALLOWED_HOSTS": f"auction.example.com,{PROBE_HOST}",
            "DJANGO_CSRF_TRUSTED_ORIGINS": "https://auction.example.com",
            "SITE_URL": "https://auction.example.com",
            "AUCTION_TRUSTED_PROXIES": "10.0.0.0/8",
            # /healthz checks the dependencies; each processor instance is watched by its own probes
            # (pods come and go, so a fixed list of instance addresses would be wrong at once).
            "OPS_METRICS_TARGETS": "",
            "EMAIL_HOST": "smtp.example.com",
            "EMAIL_PORT": "587",
            "EMAIL_USE_TLS": "1",
            "PYTHONUNBUFFERED": "1",
        },
    }


# --- the web tier --------------------------------------------------------------------------------


def web(size: cluster.Size = cluster.WEB) -> list[dict]:
    probe = {"httpGet": {"path": "/healthz", "port": "http", "httpHeaders": [{"name": "Host", "value": PROBE_HOST}]}}
    container = _container(
        "web",
        ["uvicorn", "auction.asgi:application", "--host", "0.0.0.0", "--port", str(cluster.WEB_PORT),
         "--no-access-log", "--no-proxy-headers", "--ws-per-message-deflate", "false"],
        _base_env() + _kafka_env(WEB),
        size,
        ports=[{"name": "http", "containerPort": cluster.WEB_PORT}],
        # Ready while its dependencies answer (/healthz); alive while it accepts connections, so that an
        # outage of Kafka or PostgreSQL takes pods out of the Service without restarting them all.
        readinessProbe={**probe, "periodSeconds": 10, "timeoutSeconds": 5, "failureThreshold": 3},
        livenessProbe={"tcpSocket": {"port": "http"}, "periodSeconds": 10, "failureThreshold": 6},
        startupProbe={"tcpSocket": {"port": "http"}, "periodSeconds": 2, "failureThreshold": 60},
        volumeMounts=[_KAFKA_CA_MOUNT, {"name": "media", "mountPath": MEDIA_DIR}],
    )
    pod = {
        "containers": [container],
        "volumes": [_KAFKA_CA_VOLUME, {"name": "media", "persistentVolumeClaim": {"claimName": cluster.MEDIA_CLAIM}}],
        "terminationGracePeriodSeconds": 30,
        "topologySpreadConstraints": _spread("web"),
    }
    # No scrape annotations: the site's /metrics answers staff and the pod itself only (auction.ops.access).
    deployment = _deployment("web", "web", size, pod, strategy={"rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}})
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web", "labels": _labels("web")},
        "spec": {"selector": _labels("web"), "ports": [{"name": "http", "port": 80, "targetPort": "http"}]},
    }
    autoscaler = {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "web"},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
            "minReplicas": size.replicas,
            "maxReplicas": size.max_replicas,
            "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}}}],
        },
    }
    return [deployment, service, autoscaler, _disruption_budget("web", "web")]


# --- processors ----------------------------------------------------------------------------------


def deployment_name(processor: Processor) -> str:
    return f"processor-{processor.name}"


def input_partitions(processor: Processor) -> int:
    """The most instances that can hold work: tasks are partition numbers of the (co-partitioned) inputs."""
    return max(topic_named(topic).partitions for topic in processor.inputs)


def processor_workload(processor: Processor) -> list[dict]:
    name, size = processor.name, cluster.processor_size(processor.name, input_partitions(processor))
    env = _base_env() + _kafka_env(name) + [
        {"name": "STREAMS_INSTANCE_ID", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
        {"name": "STREAMS_METRICS_ADDRESS", "value": "0.0.0.0"},
    ]
    container = _container(
        name,
        ["python", "manage.py", "runprocessor", name, "--metrics-port", str(cluster.METRICS_PORT)],
        env,
        size,
        ports=[{"name": "metrics", "containerPort": cluster.METRICS_PORT}],
        livenessProbe={"httpGet": {"path": "/livez", "port": "metrics"}, "periodSeconds": 10, "failureThreshold": 3},
        readinessProbe={"httpGet": {"path": "/readyz", "port": "metrics"}, "periodSeconds": 5, "failureThreshold": 3},
        # restoring state from changelogs may take a while before the loop steps
        startupProbe={"httpGet": {"path": "/livez", "port": "metrics"}, "periodSeconds": 5, "failureThreshold": 60},
        volumeMounts=[_KAFKA_CA_MOUNT],
    )
    pod = {
        "containers": [container],
        "volumes": [_KAFKA_CA_VOLUME],
        "terminationGracePeriodSeconds": 45,  # the open transaction is finished on SIGTERM
        "topologySpreadConstraints": _spread(name),
    }
    deployment = _deployment(
        deployment_name(processor), name, size, pod,
        strategy={"rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1}},
        annotations={"prometheus.io/scrape": "true", "prometheus.io/port": str(cluster.METRICS_PORT), "prometheus.io/path": "/metrics"},
    )
    return [deployment, *lag_autoscaling(processor, size), _disruption_budget(deployment_name(processor), name)]


def lag_autoscaling(processor: Processor, size: cluster.Size) -> list[dict]:
    """KEDA's ScaledObject, by the processor's consumer lag."""
    name = processor.name
    if processor.sink is None:  # offsets committed to Kafka in its transactions
        trigger = {
            "type": "kafka",
            "metadata": {
                "bootstrapServers": cluster.KAFKA_BOOTSTRAP,
                "consumerGroup": name,
                "lagThreshold": str(size.lag_threshold),
                "offsetResetPolicy": "earliest",
                "allowIdleConsumers": "false",
                "sasl": "scram_sha512",
                "tls": "enable",
            },
            "authenticationRef": {"name": f"{name}-kafka"},
        }
        authentication = [{
            "apiVersion": "keda.sh/v1alpha1",
            "kind": "TriggerAuthentication",
            "metadata": {"name": f"{name}-kafka"},
            "spec": {
                "env": [{"parameter": "username", "name": "KAFKA_SASL_USERNAME", "containerName": name}],
                "secretTargetRef": [
                    {"parameter": "password", "name": name, "key": "password"},
                    {"parameter": "ca", "name": cluster.KAFKA_CA_SECRET, "key": "ca.crt"},
                ],
            },
        }]
    else:  # offsets kept in PostgreSQL with the rows: the lag the instances measure and export
        trigger = {
            "type": "prometheus",
            "metadata": {
                "serverAddress": cluster.PROMETHEUS_URL,
                "query": f'sum(max by (topic, partition) (streams_consumer_lag{{processor="{name}"}}))',
                "threshold": str(size.lag_threshold),
            },
        }
        authentication = []
    scaled = {
        "apiVersion": "keda.sh/v1alpha1",
        "kind": "ScaledObject",
        "metadata": {"name": deployment_name(processor)},
        "spec": {
            "scaleTargetRef": {"name": deployment_name(processor)},
            "minReplicaCount": size.replicas,
            "maxReplicaCount": size.max_replicas,
            "pollingInterval": 30,
            "cooldownPeriod": 300,
            # a rebalance moves state: scale down slowly
            "advanced": {"horizontalPodAutoscalerConfig": {"behavior": {"scaleDown": {
                "stabilizationWindowSeconds": 600, "policies": [{"type": "Pods", "value": 1, "periodSeconds": 300}]}}}},
            "triggers": [trigger],
        },
    }
    return [*authentication, scaled]


def processors(registered: Sequence[Processor]) -> list[dict]:
    return [document for processor in sorted(registered, key=lambda p: p.name) for document in processor_workload(processor)]


# --- Celery and the migration ----------------------------------------------------------------------


def celery() -> list[dict]:
    """The worker sends emails; beat runs on two pods, of which the one holding the leader lock in Redis
    schedules (`CELERY_BEAT_SCHEDULER`, RedBeat) and the other takes over when it goes."""
    smtp_password = {"name": "EMAIL_HOST_PASSWORD", "valueFrom": {"secretKeyRef": {
        "name": cluster.APP_SECRET, "key": "EMAIL_HOST_PASSWORD", "optional": True}}}
    worker = _container("worker", ["celery", "-A", "auction", "worker", "--loglevel", "INFO", "--concurrency", "2"],
                        _base_env() + [smtp_password], cluster.CELERY_WORKER)
    beat = _container("beat", ["celery", "-A", "auction", "beat", "--loglevel", "INFO"], _base_env(), cluster.CELERY_BEAT)
    return [
        _deployment("celery-worker", "celery-worker", cluster.CELERY_WORKER,
                    {"containers": [worker], "terminationGracePeriodSeconds": 60, "topologySpreadConstraints": _spread("celery-worker")}),
        _deployment("celery-beat", "celery-beat", cluster.CELERY_BEAT,
                    {"containers": [beat], "terminationGracePeriodSeconds": 15, "topologySpreadConstraints": _spread("celery-beat")}),
    ]


def migration() -> dict:
    """The schema, before a new image's pods start (delete the finished Job before applying a new image)."""
    container = _container("migrate", ["python", "manage.py", "migrate", "--no-input"], _base_env(), cluster.CELERY_BEAT)
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "migrate", "labels": _labels("migrate")},
        "spec": {"backoffLimit": 10, "template": {"metadata": {"labels": _labels("migrate")},
                                                  "spec": {"restartPolicy": "OnFailure", "containers": [container],
                                                           "securityContext": _POD_SECURITY}}},
    }
