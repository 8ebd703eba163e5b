"""A Kafka broker with SASL/SCRAM over TLS and ACLs: the `secure` stack profile, started here for the session.

The suite runs against the `test` profile's plaintext broker; these tests start the `secure`
profile's Kafka themselves (with the project's own `deploy.stack`, in a fresh state folder, so
nothing of another run or of a hand-started secure stack is reused), create the platform's
principals as its admin, apply the ACLs generated from the code, provision the topics, and stop
it at the end of the session.
"""
from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from deploy.stack import Stack, named_profile
from streams import kafka_clients
from streams.kafka_clients import ClientSecurity
from streams.acl_sync import acls_apply
from streams.acls import platform_acls
from streams.provisioning import ensure_topics
from streams.scram_users import scram_user_set
from streams.topics import REGISTRY

PRINCIPALS = ("web", "bidding")


@dataclass(frozen=True)
class SecureKafka:
    bootstrap: str
    admin: ClientSecurity
    principals: dict[str, ClientSecurity]
    log_file: Path
    """The broker's own log: what it refused, and why."""

    def env(self, name: str) -> dict[str, str]:
        """The variables a process running as `name` is given (what `streams.kafka_clients` reads)."""
        security = self.principals[name]
        return {
            "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap,
            "KAFKA_SECURITY_PROTOCOL": security.protocol,
            "KAFKA_SASL_MECHANISM": security.sasl_mechanism,
            "KAFKA_SASL_USERNAME": security.username,
            "KAFKA_SASL_PASSWORD": security.password,
            "KAFKA_SSL_CAFILE": security.ssl_cafile,
        }


@pytest.fixture(scope="session")
def secure_kafka(tmp_path_factory) -> Iterator[SecureKafka]:
    state_root = tmp_path_factory.mktemp("secure-stack")
    # environ={}: the test profile's KAFKA_BOOTSTRAP_SERVERS must not make this profile's Kafka "external".
    stack = Stack(named_profile("secure", {"AUCTION_STATE_DIR": str(state_root)}), environ={})
    stack.up(["kafka"])
    try:
        env = stack.env()
        admin = kafka_clients.client_security(env)
        principals = {
            name: ClientSecurity(protocol=admin.protocol, sasl_mechanism=admin.sasl_mechanism, username=name,
                                 password=secrets.token_urlsafe(16), ssl_cafile=admin.ssl_cafile)
            for name in PRINCIPALS
        }
        yield SecureKafka(bootstrap=env["KAFKA_BOOTSTRAP_SERVERS"], admin=admin, principals=principals,
                          log_file=stack.profile.log_file("kafka"))
    finally:
        stack.down(["kafka"])


@pytest.fixture(scope="session")
def secured_platform(secure_kafka) -> SecureKafka:
    """The platform's principals, their ACLs (generated from the registry and the processors) and its topics."""
    from auction.processors import PROCESSORS

    admin = kafka_clients.admin(secure_kafka.bootstrap, security=secure_kafka.admin, client_id="test-security")
    try:
        for name, security in secure_kafka.principals.items():
            scram_user_set(admin, name=name, password=security.password)
        acls_apply(admin, platform_acls(list(PROCESSORS.values())))
    finally:
        admin.close()
    ensure_topics(secure_kafka.bootstrap, REGISTRY, security=secure_kafka.admin)
    return secure_kafka
