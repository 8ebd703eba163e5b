"""Where every Kafka client of the platform is made, and where its connection settings come from.

One source for the settings: `bootstrap_servers(env)` reads `KAFKA_BOOTSTRAP_SERVERS` (default
`DEFAULT_BOOTSTRAP_SERVERS`, the demo profile's broker, like the platform's other local
defaults), and `client_security(env)` reads how to authenticate (below). Django settings and the
processor runtime (`RuntimeConfig.from_env`) both read them from here, so they cannot disagree.

Security, from the environment of each process, so each process runs as its own principal:

    KAFKA_SECURITY_PROTOCOL   PLAINTEXT (default), SSL, SASL_PLAINTEXT or SASL_SSL
    KAFKA_SASL_MECHANISM      SCRAM-SHA-512 (default), SCRAM-SHA-256 or PLAIN
    KAFKA_SASL_USERNAME       the principal (User:<name> to the broker's ACLs); SASL only
    KAFKA_SASL_PASSWORD       its password; SASL only
    KAFKA_SSL_CAFILE          PEM file of the CA the brokers' certificates are checked against
                              (default: the system's CAs); SSL and SASL_SSL only

Settings that do not fit together (SASL without a username, an unknown protocol, a CA file that
is not there) raise `KafkaSettingsError` when they are read, so a process stops at start with a
message instead of failing its first request.

One factory for the clients: `producer`, `consumer` and `admin` add what every client shares
(`connection_options`: the bootstrap servers and the security settings) to the options
particular to one use (acks, idempotence, timeouts, client id), which stay with the code that
uses the client. The processor runtime's clients are built on these in `streams.runtime.clients`.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer

from streams import settings_registry

BOOTSTRAP_SERVERS_VARIABLE = "KAFKA_BOOTSTRAP_SERVERS"
DEFAULT_BOOTSTRAP_SERVERS = settings_registry.default(BOOTSTRAP_SERVERS_VARIABLE)
"""The demo profile's broker (`python -m deploy.stack up --profile demo`)."""

SECURITY_PROTOCOL_VARIABLE = "KAFKA_SECURITY_PROTOCOL"
SASL_MECHANISM_VARIABLE = "KAFKA_SASL_MECHANISM"
SASL_USERNAME_VARIABLE = "KAFKA_SASL_USERNAME"
SASL_PASSWORD_VARIABLE = "KAFKA_SASL_PASSWORD"
SSL_CAFILE_VARIABLE = "KAFKA_SSL_CAFILE"

SECURITY_PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")
SASL_MECHANISMS = ("SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN")
DEFAULT_SASL_MECHANISM = settings_registry.default(SASL_MECHANISM_VARIABLE)


class KafkaSettingsError(ValueError):
    """The Kafka security settings do not fit together; the message names the variables to fix."""


@dataclass(frozen=True)
class ClientSecurity:
    """How a client proves who it is and checks whom it talks to. The default is PLAINTEXT (local stacks)."""

    protocol: str = "PLAINTEXT"
    sasl_mechanism: str = DEFAULT_SASL_MECHANISM
    username: str = ""
    password: str = field(default="", repr=False)
    ssl_cafile: str = ""

    def __post_init__(self) -> None:
        if self.protocol not in SECURITY_PROTOCOLS:
            raise KafkaSettingsError(
                f"{SECURITY_PROTOCOL_VARIABLE}={self.protocol!r} is not one of {', '.join(SECURITY_PROTOCOLS)}"
            )
        if not self.uses_sasl:
            return
        if self.sasl_mechanism not in SASL_MECHANISMS:
            raise KafkaSettingsError(
                f"{SASL_MECHANISM_VARIABLE}={self.sasl_mechanism!r} is not one of {', '.join(SASL_MECHANISMS)}"
            )
        if not self.username or not self.password:
            raise KafkaSettingsError(
                f"{SECURITY_PROTOCOL_VARIABLE}={self.protocol} needs {SASL_USERNAME_VARIABLE} and "
                f"{SASL_PASSWORD_VARIABLE} (the principal this process runs as)"
            )

    @property
    def uses_sasl(self) -> bool:
        return self.protocol.startswith("SASL_")

    @property
    def uses_tls(self) -> bool:
        return self.protocol.endswith("SSL")

    def options(self) -> dict[str, Any]:
        """kafka-python's options for these settings (the same for producers, consumers and admin clients)."""
        options: dict[str, Any] = {"security_protocol": self.protocol}
        if self.uses_tls and self.ssl_cafile:
            options["ssl_cafile"] = self.ssl_cafile
        if self.uses_sasl:
            options["sasl_mechanism"] = self.sasl_mechanism
            options["sasl_plain_username"] = self.username
            options["sasl_plain_password"] = self.password
        return options


def bootstrap_servers(env: Mapping[str, str] = os.environ) -> str:
    """HOST:PORT[,HOST:PORT...] of the cluster every client of this process talks to."""
    return settings_registry.value(BOOTSTRAP_SERVERS_VARIABLE, env)


def client_security(env: Mapping[str, str] = os.environ) -> ClientSecurity:
    """The security settings of this process's clients; the SASL variables are ignored without SASL."""
    protocol = env.get(SECURITY_PROTOCOL_VARIABLE, "").strip().upper() or "PLAINTEXT"
    cafile = env.get(SSL_CAFILE_VARIABLE, "").strip()
    if cafile and protocol.endswith("SSL") and not Path(cafile).is_file():
        raise KafkaSettingsError(f"{SSL_CAFILE_VARIABLE}={cafile} is not a file")
    if not protocol.startswith("SASL_"):
        return ClientSecurity(protocol=protocol, ssl_cafile=cafile)
    return ClientSecurity(
        protocol=protocol,
        sasl_mechanism=env.get(SASL_MECHANISM_VARIABLE, "").strip().upper() or DEFAULT_SASL_MECHANISM,
        username=env.get(SASL_USERNAME_VARIABLE, "").strip(),
        password=env.get(SASL_PASSWORD_VARIABLE, ""),
        ssl_cafile=cafile,
    )


def connection_options(servers: str, security: ClientSecurity | None = None) -> dict[str, Any]:
    """The options every client shares: how to reach the cluster and how to authenticate to it.

    `security` None means this process's environment (`client_security()`)."""
    security = client_security() if security is None else security
    return {"bootstrap_servers": servers, **security.options()}


def producer(servers: str, *, security: ClientSecurity | None = None, **options: Any) -> KafkaProducer:
    return KafkaProducer(**connection_options(servers, security), **options)


def consumer(
    servers: str, *, security: ClientSecurity | None = None, kind: type[KafkaConsumer] = KafkaConsumer, **options: Any
) -> KafkaConsumer:
    return kind(**connection_options(servers, security), **options)


def admin(servers: str, *, security: ClientSecurity | None = None, **options: Any) -> KafkaAdminClient:
    return KafkaAdminClient(**connection_options(servers, security), **options)
