"""Create a principal, or change its password: a SCRAM credential stored by the brokers (KRaft metadata).

Run as a super user. The password never travels: the client derives the salted password
(PBKDF2, `ITERATIONS` rounds, a fresh random salt) and sends that, as Kafka's own tools do.
"""
from __future__ import annotations

from kafka import KafkaAdminClient
from kafka.admin import UserScramCredentialUpsertion
from kafka.errors import KafkaError

MECHANISM = "SCRAM-SHA-512"
ITERATIONS = 8192


class ScramUserError(KafkaError):
    """The broker refused to store a credential; the message says why."""


def scram_user_set(admin: KafkaAdminClient, *, name: str, password: str, mechanism: str = MECHANISM) -> None:
    if not name or not password:
        raise ValueError("a SCRAM user needs a name and a non-empty password")
    upsertion = UserScramCredentialUpsertion(name, mechanism, password, iterations=ITERATIONS)
    errors = admin.alter_user_scram_credentials([upsertion])
    if errors.get(name):
        raise ScramUserError(f"the broker refused the credential of {name}: {errors[name]}")
