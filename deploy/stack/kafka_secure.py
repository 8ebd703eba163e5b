"""The `secure` profile's Kafka: its secrets, the security settings laid over the broker's config, what clients need.

The broker of a secure profile takes clients only over SASL_SSL with SCRAM-SHA-512 and holds them
to ACLs (deploy/kafka/secure/overlay.properties). Two super users are created when the storage is
formatted: the admin, whom tools act as, and the broker itself (`kafka-broker`, on its own
listener and, by its certificate, on the controller's). The platform's principals and their ACLs
are added afterwards as the admin (`manage.py kafka_user`, `manage.py kafka_acls --apply`). The
passwords are made on first use and kept in the profile's state folder, readable by the owner only.
"""
from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from .profiles import REPO_ROOT

OVERLAY_TEMPLATE = REPO_ROOT / "deploy" / "kafka" / "secure" / "overlay.properties"
ADMIN_USER = "admin"
BROKER_USER = "kafka-broker"
"""The broker's own principal: its SCRAM user on the client listener, its certificate's CN on the controller's."""
MECHANISM = "SCRAM-SHA-512"
SCRAM_ITERATIONS = 8192
_PROPERTY = re.compile(r"^\s*([^#!\s=:][^=:\s]*)\s*[=:]")


@dataclass(frozen=True)
class Secrets:
    admin_password: str
    broker_password: str
    store_password: str
    """Of the broker's PKCS12 keystore."""


def ensure_secrets(path: Path) -> Secrets:
    """The profile's passwords, made now (random, URL-safe) unless `path` holds them."""
    if path.is_file():
        return Secrets(**json.loads(path.read_text()))
    made = Secrets(*(secrets.token_urlsafe(24) for _ in range(3)))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text(json.dumps(made.__dict__))
    return made


def overlay_values(*, keystore: Path, truststore: Path, secrets_: Secrets) -> dict[str, object]:
    """What the overlay's template names besides the broker's ports (the server's template names those too)."""
    return {
        "keystore": keystore,
        "truststore": truststore,
        "store_password": secrets_.store_password,
        "broker_password": secrets_.broker_password,
    }


def merge_properties(base: str, overlay: str) -> str:
    """`base` with each key the overlay sets given the overlay's value in place, and the overlay's other keys after it.

    Each key ends up once, so the file reads as what the broker runs with. Works on templates as well
    as on rendered files (the server's template and the overlay's are merged, then rendered once)."""
    settings = {}
    for line in overlay.splitlines():
        match = _PROPERTY.match(line)
        if match:
            settings[match.group(1)] = line
    merged = []
    for line in base.splitlines():
        match = _PROPERTY.match(line)
        merged.append(settings.pop(match.group(1)) if match and match.group(1) in settings else line)
    if settings:
        merged += ["", "# Security (deploy/kafka/secure/overlay.properties)", *settings.values()]
    return "\n".join(merged) + "\n"


def scram_argument(username: str, password: str, salt: bytes | None = None) -> str:
    """`kafka-storage format --add-scram` value with the salted password, so the password is never on a command line."""
    salt = secrets.token_bytes(24) if salt is None else salt
    salted = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, SCRAM_ITERATIONS)
    encode = lambda raw: base64.b64encode(raw).decode()  # noqa: E731
    return (f'{MECHANISM}=[name={username},iterations={SCRAM_ITERATIONS},'
            f'salt="{encode(salt)}",saltedpassword="{encode(salted)}"]')


def client_variables(secrets_: Secrets, ca_certificate: Path) -> dict[str, str]:
    """What `python -m deploy.stack env` adds for a secure profile: the admin's principal (tools act as it)."""
    return {
        "KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
        "KAFKA_SASL_MECHANISM": MECHANISM,
        "KAFKA_SASL_USERNAME": ADMIN_USER,
        "KAFKA_SASL_PASSWORD": secrets_.admin_password,
        "KAFKA_SSL_CAFILE": str(ca_certificate),
    }


CLIENT_OPTIONS = {
    "KAFKA_SECURITY_PROTOCOL": "security_protocol",
    "KAFKA_SASL_MECHANISM": "sasl_mechanism",
    "KAFKA_SASL_USERNAME": "sasl_plain_username",
    "KAFKA_SASL_PASSWORD": "sasl_plain_password",
    "KAFKA_SSL_CAFILE": "ssl_cafile",
}
"""The kafka-python option each of the `client_variables` sets."""


def client_options(secrets_: Secrets, ca_certificate: Path) -> dict[str, str]:
    """kafka-python options for the same principal (the stack's readiness probe)."""
    return {CLIENT_OPTIONS[name]: value for name, value in client_variables(secrets_, ca_certificate).items()}
