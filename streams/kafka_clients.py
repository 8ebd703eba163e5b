"""Where every Kafka client of the platform is made, and where its connection settings come from.

One source for the settings: `bootstrap_servers(env)` reads `KAFKA_BOOTSTRAP_SERVERS` (default
`DEFAULT_BOOTSTRAP_SERVERS`, the demo profile's broker, like the platform's other local
defaults). Django settings and the processor runtime (`RuntimeConfig.from_env`) both read it
from here, so they cannot disagree.

One factory for the clients: `producer`, `consumer` and `admin` add what every client shares
(`connection_options`: today the bootstrap servers; security settings would go there too) to
the options particular to one use (acks, idempotence, timeouts, client id), which stay with the
code that uses the client. The processor runtime's clients are built on these in
`streams.runtime.clients`.
"""
from __future__ import annotations

import os
from typing import Any, Mapping

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer

BOOTSTRAP_SERVERS_VARIABLE = "KAFKA_BOOTSTRAP_SERVERS"
DEFAULT_BOOTSTRAP_SERVERS = "127.0.0.1:19092"
"""The demo profile's broker (`python -m deploy.stack up --profile demo`)."""


def bootstrap_servers(env: Mapping[str, str] = os.environ) -> str:
    """HOST:PORT[,HOST:PORT...] of the cluster every client of this process talks to."""
    return env.get(BOOTSTRAP_SERVERS_VARIABLE, DEFAULT_BOOTSTRAP_SERVERS)


def connection_options(servers: str) -> dict[str, Any]:
    """The options every client shares: how to reach the cluster."""
    return {"bootstrap_servers": servers}


def producer(servers: str, **options: Any) -> KafkaProducer:
    return KafkaProducer(**connection_options(servers), **options)


def consumer(servers: str, **options: Any) -> KafkaConsumer:
    return KafkaConsumer(**connection_options(servers), **options)


def admin(servers: str, **options: Any) -> KafkaAdminClient:
    return KafkaAdminClient(**connection_options(servers), **options)
