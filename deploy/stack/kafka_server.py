"""One Kafka JVM in KRaft combined mode (broker and controller), run from Maven Central jars.

A profile with several Kafka nodes runs one such JVM per node (`KafkaServer(profile, node)`), named
`kafka-1`, `kafka-2`, …, in a static quorum of all of them, sharing one cluster id.

A profile with `secure_kafka` lays the security settings over the config (SASL/SCRAM over TLS,
ACLs: `kafka_secure`), makes its certificates (`kafka_tls`) and formats the storage with its admin.
"""

from __future__ import annotations

import base64
import signal
import uuid
from pathlib import Path
from string import Template

from kafka.admin import KafkaAdminClient
from kafka.errors import KafkaError

from .errors import StackError
from .java import java_executable
from .kafka_jars import kafka_classpath
from .kafka_secure import (
    ADMIN_USER,
    BROKER_USER,
    OVERLAY_TEMPLATE,
    Secrets,
    client_options,
    client_variables,
    ensure_secrets,
    merge_properties,
    overlay_values,
    scram_argument,
)
from .kafka_tls import TlsFiles, ensure_tls
from .processes import Launch, port_accepts_connections, run_to_log
from .profiles import REPO_ROOT, KafkaNode, Profile

KAFKA_DEPLOY_DIR = REPO_ROOT / "deploy" / "kafka"
PROPERTIES_TEMPLATE = KAFKA_DEPLOY_DIR / "server.properties"
LOG4J_CONFIG = KAFKA_DEPLOY_DIR / "log4j2.yaml"
# A shared 2-core machine runs the broker next to everything else, so the heap stays small.
JVM_OPTIONS = ("-Xmx512m", "-Xms256m", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-Djava.awt.headless=true")
# Three of them in a cluster: smaller still each.
CLUSTER_JVM_OPTIONS = ("-Xmx320m", "-Xms128m", *JVM_OPTIONS[2:])


def render_server_properties(
    template: str, profile: Profile, log_dir: Path, node: KafkaNode | None = None, **more: object
) -> str:
    """The broker's config: the node's ports and data folder, the quorum, the profile's durability, and `more`."""
    node = node or profile.kafka_nodes[0]
    nodes = profile.kafka_nodes
    if len(nodes) == 1:
        quorum = f"controller.quorum.bootstrap.servers=127.0.0.1:{node.controller_port}"
    else:
        quorum = "controller.quorum.voters=" + ",".join(f"{n.node_id}@127.0.0.1:{n.controller_port}" for n in nodes)
    return Template(template).substitute(
        node_id=node.node_id,
        kafka_port=node.kafka_port,
        controller_port=node.controller_port,
        log_dirs=log_dir,
        quorum=quorum,
        replication_factor=profile.replication_factor,
        min_insync_replicas=profile.min_insync_replicas,
        **more,
    )


def new_cluster_id(random_bytes: bytes | None = None) -> str:
    """A cluster id as Kafka writes them: 16 random bytes, URL-safe base64, no padding, no leading '-'.

    Kafka's own tools refuse ids that start with '-' (they read like a command-line flag), so those
    are drawn again.
    """
    raw = uuid.uuid4().bytes if random_bytes is None else random_bytes
    cluster_id = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    return cluster_id if not cluster_id.startswith("-") else new_cluster_id()


class KafkaServer:
    stop_signal = signal.SIGTERM  # a controlled shutdown: the log is flushed and closed cleanly
    ready_timeout = 60.0

    def __init__(self, profile: Profile, node: int = 1) -> None:
        self.profile = profile
        self.node = profile.kafka_nodes[node - 1]
        self.clustered = len(profile.kafka_nodes) > 1
        if self.clustered and profile.secure_kafka:
            raise StackError(f"profile {profile.name}: a secure Kafka runs as one node only")
        self.name = f"kafka-{node}" if self.clustered else "kafka"
        self.home = profile.data_dir(self.name)
        self.properties_file = self.home / "server.properties"
        self.log_dir = self.home / "data"
        self.secrets_file = self.home / "secrets.json"
        self.tls = TlsFiles(self.home / "tls")

    def ports(self) -> dict[int, str]:
        return {self.node.kafka_port: self.name, self.node.controller_port: f"{self.name} controller"}

    def marker(self) -> str:
        return str(self.properties_file)

    def url(self) -> str:
        return f"127.0.0.1:{self.node.kafka_port}"

    def prepare(self) -> Launch:
        """Fetch the jars, write the config and format the storage the first time; then say how to run."""
        java = java_executable()
        classpath = kafka_classpath(maven_log=self.profile.log_file("mvn"))
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self._write_properties()
        jvm = [str(java), *(CLUSTER_JVM_OPTIONS if self.clustered else JVM_OPTIONS), f"-Dlog4j2.configurationFile={LOG4J_CONFIG}", "-cp", classpath]
        if not (self.log_dir / "meta.properties").exists():
            self._format_storage(jvm)
        return Launch(argv=[*jvm, "kafka.Kafka", str(self.properties_file)], cwd=self.home)

    def _write_properties(self) -> None:
        template, secure = PROPERTIES_TEMPLATE.read_text(), {}
        if self.profile.secure_kafka:
            secrets_ = self.secrets()
            tls = ensure_tls(self.tls.folder, secrets_.store_password)
            template = merge_properties(template, OVERLAY_TEMPLATE.read_text())
            secure = overlay_values(keystore=tls.keystore, truststore=tls.ca_certificate, secrets_=secrets_)
            self.properties_file.touch(mode=0o600, exist_ok=True)
            self.properties_file.chmod(0o600)  # it holds the broker's and the keystore's passwords
        self.properties_file.write_text(render_server_properties(template, self.profile, self.log_dir, self.node, **secure))

    def secrets(self) -> Secrets:
        """A secure profile's passwords, made on first use."""
        return ensure_secrets(self.secrets_file)

    def client_env(self) -> dict[str, str]:
        """The variables clients need besides the address: a secure profile's admin principal and CA."""
        if not self.profile.secure_kafka:
            return {}
        return client_variables(self.secrets(), self.tls.ca_certificate)

    def _format_storage(self, jvm: list[str]) -> None:
        log_file = self.profile.log_file(self.name)
        quorum = [] if self.clustered else ["--standalone"]  # a cluster's voters are in its config
        format_storage = Launch(
            argv=[*jvm, "kafka.tools.StorageTool", "format", *quorum,
                  "--cluster-id", self._cluster_id(), "--config", str(self.properties_file), *self._scram_users()],
            cwd=self.home,
        )
        if run_to_log(format_storage, log_file) != 0:
            raise StackError(f"formatting the Kafka storage in {self.log_dir} failed; see {log_file}")

    def _cluster_id(self) -> str:
        """A new id for a lone node; the one every node of a cluster shares, made by the first formatted."""
        if not self.clustered:
            return new_cluster_id()
        shared = self.profile.state_dir / "kafka-cluster-id"
        if not shared.is_file():
            shared.write_text(new_cluster_id())
        return shared.read_text().strip()

    def _scram_users(self) -> list[str]:
        """`format` arguments adding a secure profile's super users (salted: no password on the command line)."""
        if not self.profile.secure_kafka:
            return []
        secrets_ = self.secrets()
        users = {ADMIN_USER: secrets_.admin_password, BROKER_USER: secrets_.broker_password}
        return [part for name, password in users.items() for part in ("--add-scram", scram_argument(name, password))]

    def is_ready(self) -> bool:
        """The broker answers metadata requests and lists itself: clients can produce from now on."""
        if not port_accepts_connections(self.node.kafka_port):
            return False
        try:
            security = client_options(self.secrets(), self.tls.ca_certificate) if self.profile.secure_kafka else {}
            admin = KafkaAdminClient(
                bootstrap_servers=self.url(), client_id="deploy-stack-readiness",
                bootstrap_timeout_ms=3000, request_timeout_ms=3000, **security,
            )
        except KafkaError:
            return False
        try:
            brokers = admin.describe_cluster()["brokers"]
            return any(broker["broker_id"] == self.node.node_id and not broker.get("is_fenced") for broker in brokers)
        except KafkaError:
            return False
        finally:
            admin.close()

    def on_ready(self) -> None:
        """Nothing to set up inside Kafka: topics come from the topic registry, not from here."""
