"""deploy/kubernetes/manifests/: the committed files are what `python -m deploy.kubernetes --write` makes,
and they agree with the registries: a Deployment and a lag autoscaler per processor, a KafkaTopic per
registry topic with its partitions and configs, a KafkaUser per principal with exactly its ACLs.
The container file installs from requirements.lock. Nothing here needs a server or a cluster."""
import re
import shlex
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from auction.processors import PROCESSORS
from deploy.kubernetes import manifests, workloads
from streams.acls import WEB, Acl, platform_acls
from streams.topics import REGISTRY, topic_named

ROOT = Path(__file__).resolve().parents[3]
FOLDER = ROOT / manifests.FOLDER
CONTAINERFILE = ROOT / "deploy" / "container" / "Containerfile"
PROCESSOR_LIST = list(PROCESSORS.values())


def _documents() -> list[dict]:
    docs = []
    for path in sorted(FOLDER.glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        docs += [doc for doc in yaml.safe_load_all(path.read_text()) if doc is not None]
    return docs


DOCS = _documents()


def _of_kind(kind: str) -> dict[str, dict]:
    return {doc["metadata"]["name"]: doc for doc in DOCS if doc["kind"] == kind}


def _env(container: dict) -> dict[str, dict]:
    return {variable["name"]: variable for variable in container["env"]}


def test_the_committed_manifests_are_what_the_code_generates():
    assert manifests.stale_files(PROCESSOR_LIST, ROOT) == [], "run `python -m deploy.kubernetes --write`"


def test_a_changed_registry_makes_them_stale(tmp_path):
    """The check above can fail: a file edited by hand, or left over, is reported."""
    manifests.write(PROCESSOR_LIST, tmp_path)
    topics = tmp_path / manifests.FOLDER / "topics.yaml"
    topics.write_text(topics.read_text().replace("partitions: 6", "partitions: 12", 1))
    (tmp_path / manifests.FOLDER / "leftover.yaml").write_text("kind: ConfigMap\n")

    assert manifests.stale_files(PROCESSOR_LIST, tmp_path) == [str(manifests.FOLDER / "topics.yaml"),
                                                                  str(manifests.FOLDER / "leftover.yaml")]


def test_every_document_is_a_named_kubernetes_object_and_kustomize_applies_every_file():
    for doc in DOCS:
        assert {"apiVersion", "kind", "metadata"} <= set(doc), doc
    assert all(doc["metadata"].get("name") for doc in DOCS)
    keys = [(doc["kind"], doc["metadata"]["name"]) for doc in DOCS]
    assert len(keys) == len(set(keys)), "two objects of one kind share a name"
    listed = yaml.safe_load((FOLDER / "kustomization.yaml").read_text())["resources"]
    assert sorted(listed) == sorted(path.name for path in FOLDER.glob("*.yaml") if path.name != "kustomization.yaml")


def test_every_registry_topic_is_a_kafka_topic_with_its_partitions_and_configs():
    topics = {doc["spec"]["topicName"]: doc["spec"] for doc in DOCS if doc["kind"] == "KafkaTopic"}
    assert set(topics) == {topic.name for topic in REGISTRY}
    for topic in REGISTRY:
        spec = topics[topic.name]
        assert spec["partitions"] == topic.partitions, topic.name
        assert {key: str(value) for key, value in spec["config"].items()}.items() >= topic.configs().items(), topic.name
        assert spec["replicas"] == 3 and spec["config"]["min.insync.replicas"] == "2", topic.name


def _acls_of(user: dict) -> set[Acl]:
    types = {"topic": "TOPIC", "group": "GROUP", "transactionalId": "TRANSACTIONAL_ID", "cluster": "CLUSTER"}
    patterns = {"literal": "LITERAL", "prefix": "PREFIXED"}
    found = set()
    for rule in user["spec"]["authorization"]["acls"]:
        resource = rule["resource"]
        name = resource.get("name", "kafka-cluster")
        for operation in rule["operations"]:
            found.add(Acl(f"User:{user['metadata']['name']}", types[resource["type"]], name, operation.upper(),
                          patterns[resource.get("patternType", "literal")]))
    return found


def test_every_principal_is_a_kafka_user_with_exactly_its_generated_acls():
    users = _of_kind("KafkaUser")
    expected = defaultdict(set)
    for acl in platform_acls(PROCESSOR_LIST):
        expected[acl.principal.removeprefix("User:")].add(acl)
    assert set(users) == set(PROCESSORS) | {WEB}
    for name, user in users.items():
        assert user["spec"]["authentication"]["type"] == "scram-sha-512", name
        assert _acls_of(user) == expected[name], name


def _deployments_running(command: str) -> dict[str, dict]:
    found = {}
    for doc in _of_kind("Deployment").values():
        for container in doc["spec"]["template"]["spec"]["containers"]:
            argv = container["command"]
            if command in argv:
                found[argv[argv.index(command) + 1]] = {"deployment": doc, "container": container}
    return found


@pytest.mark.parametrize("name", sorted(PROCESSORS))
def test_every_processor_has_a_deployment_with_probes_resources_and_its_own_principal(name):
    running = _deployments_running("runprocessor")
    assert set(running) == set(PROCESSORS)
    deployment, container = running[name]["deployment"], running[name]["container"]
    port = int(container["command"][container["command"].index("--metrics-port") + 1])
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports["metrics"] == port
    assert container["livenessProbe"]["httpGet"] == {"path": "/livez", "port": "metrics"}
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "metrics"}
    assert deployment["spec"]["replicas"] >= 2
    assert {"cpu", "memory"} <= set(container["resources"]["requests"]) and "memory" in container["resources"]["limits"]
    env = _env(container)
    # each pod its own instance id (transactional ids never shared), the endpoint reachable by the kubelet
    assert env["STREAMS_INSTANCE_ID"]["valueFrom"] == {"fieldRef": {"fieldPath": "metadata.name"}}
    assert env["STREAMS_METRICS_ADDRESS"]["value"] == "0.0.0.0"
    assert "STREAMS_STATIC_MEMBERSHIP" not in env  # pod names change on restart: static membership would only delay
    assert env["KAFKA_SASL_USERNAME"]["value"] == name
    assert env["KAFKA_SASL_PASSWORD"]["valueFrom"]["secretKeyRef"] == {"name": name, "key": "password"}
    assert deployment["spec"]["strategy"]["rollingUpdate"]["maxSurge"] == 0


@pytest.mark.parametrize("name", sorted(PROCESSORS))
def test_every_processor_scales_on_its_consumer_lag_up_to_its_partitions(name):
    processor = PROCESSORS[name]
    scaled = {doc["spec"]["scaleTargetRef"]["name"]: doc["spec"] for doc in DOCS if doc["kind"] == "ScaledObject"}
    spec = scaled[workloads.deployment_name(processor)]
    partitions = max(topic_named(topic).partitions for topic in processor.inputs)
    assert 2 <= spec["minReplicaCount"] <= spec["maxReplicaCount"] <= partitions
    (trigger,) = spec["triggers"]
    if processor.sink is None:  # commits its offsets to Kafka: KEDA reads the group's lag there
        assert trigger["type"] == "kafka"
        assert trigger["metadata"]["consumerGroup"] == name
        assert trigger["metadata"]["sasl"] == "scram_sha512" and trigger["metadata"]["tls"] == "enable"
        authentication = _of_kind("TriggerAuthentication")[trigger["authenticationRef"]["name"]]["spec"]
        assert {"name": name, "key": "password", "parameter": "password"} in authentication["secretTargetRef"]
    else:  # offsets live in PostgreSQL: the lag the instances export
        assert trigger["type"] == "prometheus"
        assert f'streams_consumer_lag{{processor="{name}"}}' in trigger["metadata"]["query"]


def test_the_web_tier_is_replicated_ready_by_healthz_and_shares_its_state():
    web = _of_kind("Deployment")["web"]
    pod = web["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert web["spec"]["replicas"] >= 2
    assert container["readinessProbe"]["httpGet"]["path"] == "/healthz"
    host = {h["name"]: h["value"] for h in container["readinessProbe"]["httpGet"]["httpHeaders"]}["Host"]
    config = _of_kind("ConfigMap")["auction-config"]["data"]
    assert host in config["DJANGO_ALLOWED_HOSTS"].split(",")
    env = _env(container)
    assert env["DJANGO_SECRET_KEY"]["valueFrom"]["secretKeyRef"]["name"]  # one key for every pod, not one each
    claims = {volume["name"]: volume for volume in pod["volumes"] if "persistentVolumeClaim" in volume}
    media = _of_kind("PersistentVolumeClaim")[claims["media"]["persistentVolumeClaim"]["claimName"]]
    assert media["spec"]["accessModes"] == ["ReadWriteMany"]
    assert {m["name"]: m["mountPath"] for m in container["volumeMounts"]}["media"] == f"{config['AUCTION_DATA_DIR']}/media"


def test_celery_beat_runs_on_two_pods_and_postgres_on_three_with_a_synchronous_standby():
    beats = [doc for doc in _of_kind("Deployment").values()
             if any(c["command"][:4] == ["celery", "-A", "auction", "beat"] for c in doc["spec"]["template"]["spec"]["containers"])]
    assert [doc["spec"]["replicas"] >= 2 for doc in beats] == [True]
    postgres = _of_kind("Cluster")
    (spec,) = [doc["spec"] for doc in postgres.values()]
    assert spec["instances"] >= 3 and spec["postgresql"]["synchronous"]["number"] >= 1


def test_the_container_file_installs_python_packages_from_the_lock_file_only():
    text = CONTAINERFILE.read_text()
    runs = [line for line in re.findall(r"^RUN (.+(?:\\\n.+)*)", text, re.MULTILINE)]
    installs = [shlex.split(run.replace("\\\n", " ")) for run in runs if "pip install" in run]
    assert installs, "no pip install"
    for argv in installs:
        assert argv[argv.index("-r") + 1] == "requirements.lock", argv
        assert [a for a in argv[argv.index("install") + 1:] if not a.startswith("-") and a != "requirements.lock"] == []
    assert re.search(r"^COPY requirements\.lock ", text, re.MULTILINE)
    # the pods run as the image's user, which owns the data folder the photos' volume is mounted in
    assert re.search(rf"^USER {workloads.APP_USER}$", text, re.MULTILINE)
    assert all(doc["spec"]["template"]["spec"]["securityContext"]["runAsUser"] == workloads.APP_USER
               for doc in DOCS if doc["kind"] in ("Deployment", "Job") and doc["metadata"]["name"] != "valkey")
