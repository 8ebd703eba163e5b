"""Named sets of ports and a state folder, so several stacks can run side by side on one machine."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .errors import StackError

REPO_ROOT = Path(__file__).resolve().parents[2]
STATE_ROOT_VARIABLE = "AUCTION_STATE_DIR"


@dataclass(frozen=True)
class KafkaNode:
    node_id: int
    kafka_port: int
    controller_port: int


@dataclass(frozen=True)
class Profile:
    """Where one stack listens and keeps its data.

    `durable=False` trades crash safety of PostgreSQL for speed; only the test profile wants that.
    `secure_kafka=True` runs Kafka as production does: SASL/SCRAM over TLS and ACLs (`kafka_secure`).
    `more_kafka_nodes` makes Kafka a cluster: the (client, controller) ports of nodes 2, 3, …; node 1
    listens on `kafka_port` and `controller_port`. Every node is broker and controller.
    """

    name: str
    kafka_port: int
    controller_port: int
    postgres_port: int
    redis_port: int
    state_dir: Path
    durable: bool = True
    secure_kafka: bool = False
    more_kafka_nodes: tuple[tuple[int, int], ...] = ()

    @property
    def kafka_nodes(self) -> tuple[KafkaNode, ...]:
        """Every Kafka node: node ids from 1, each with its client and controller port."""
        ports = ((self.kafka_port, self.controller_port), *self.more_kafka_nodes)
        return tuple(KafkaNode(node_id, kafka, controller) for node_id, (kafka, controller) in enumerate(ports, 1))

    @property
    def replication_factor(self) -> int:
        """Replicas of every topic: one per node, up to three."""
        return min(3, len(self.kafka_nodes))

    @property
    def min_insync_replicas(self) -> int:
        """Replicas that must have a write before it counts (`acks=all`): all but one, so one node may be down."""
        return max(1, self.replication_factor - 1)

    @property
    def logs_dir(self) -> Path:
        return self.state_dir / "logs"

    def data_dir(self, server: str) -> Path:
        return self.state_dir / server

    def log_file(self, server: str) -> Path:
        return self.logs_dir / f"{server}.log"

    def pid_file(self, server: str) -> Path:
        return self.state_dir / f"{server}.pid"


# name: (kafka, controller, postgres, redis, durable)
_NAMED = {
    "demo": (19092, 19093, 15432, 16379, True),
    "test": (29092, 29093, 25432, 26379, False),
    "dev": (39092, 39093, 35432, 36379, True),
}
# `dev1` … `dev9`: more development stacks beside `dev` (one per work tree), each 100 ports further on.
_NUMBERED_DEV = {f"dev{n}": tuple(port + 100 * n for port in _NAMED["dev"][:4]) + (True,) for n in range(1, 10)}
# `secure`: Kafka with SASL/SCRAM over TLS and ACLs, as in production; the suite starts it to prove the
# platform's clients work with it (tests/integration/security).
_SECURE = {"secure": (49092, 49093, 45432, 46379, True)}
# `cluster`: three Kafka nodes (brokers and KRaft controllers), topics replicated three times with
# min.insync.replicas=2; node n listens on 59092 + 10·(n-1) and its controller on 59093 + 10·(n-1).
_CLUSTER = {"cluster": (59092, 59093, 55432, 56379, True)}
CLUSTER_NODES = 3
PROFILE_NAMES = tuple(_NAMED) + tuple(_NUMBERED_DEV) + tuple(_SECURE) + tuple(_CLUSTER)


def state_root(environ: Mapping[str, str]) -> Path:
    """The folder holding one state folder per profile: `var/` in the repo unless overridden."""
    override = environ.get(STATE_ROOT_VARIABLE)
    return Path(override).resolve() if override else REPO_ROOT / "var"


def named_profile(name: str, environ: Mapping[str, str] = os.environ) -> Profile:
    ports = _NAMED.get(name) or _NUMBERED_DEV.get(name) or _SECURE.get(name) or _CLUSTER.get(name)
    if ports is None:
        raise StackError(f"unknown profile {name!r}; choose one of {', '.join(PROFILE_NAMES)}")
    kafka, controller, postgres, redis, durable = ports
    return Profile(
        name=name,
        kafka_port=kafka,
        controller_port=controller,
        postgres_port=postgres,
        redis_port=redis,
        state_dir=state_root(environ) / name,
        durable=durable,
        secure_kafka=name in _SECURE,
        more_kafka_nodes=cluster_ports(kafka, controller, CLUSTER_NODES) if name in _CLUSTER else (),
    )


def cluster_ports(kafka_port: int, controller_port: int, nodes: int) -> tuple[tuple[int, int], ...]:
    """The ports of nodes 2…`nodes` of a cluster whose node 1 has these: 10 further on for each node."""
    return tuple((kafka_port + 10 * n, controller_port + 10 * n) for n in range(1, nodes))
