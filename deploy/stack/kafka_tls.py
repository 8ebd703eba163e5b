"""A local certificate authority and the broker's key and certificate, made on this machine (nothing downloaded).

For the `secure` profile only: clients trust `ca.pem` (KAFKA_SSL_CAFILE); the broker serves
`broker.p12` (PKCS12, protected by the profile's store password), valid for 127.0.0.1 and
localhost, and presents it to its own KRaft controller, which requires a certificate from this
CA. The CA's key is kept beside them, readable by the owner only. Made once, reused afterwards.
"""
from __future__ import annotations

import datetime
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from .kafka_secure import BROKER_USER

BROKER_COMMON_NAME = BROKER_USER
"""The broker's certificate CN: its principal (User:kafka-broker) on the controller listener."""
CA_DAYS = 3650
BROKER_DAYS = 825


@dataclass(frozen=True)
class TlsFiles:
    folder: Path

    @property
    def ca_certificate(self) -> Path:
        return self.folder / "ca.pem"

    @property
    def ca_key(self) -> Path:
        return self.folder / "ca-key.pem"

    @property
    def keystore(self) -> Path:
        return self.folder / "broker.p12"

    def exist(self) -> bool:
        return self.ca_certificate.is_file() and self.keystore.is_file()


def ensure_tls(folder: Path, store_password: str) -> TlsFiles:
    """The CA and the broker's keystore in `folder`, made now unless they exist."""
    files = TlsFiles(folder)
    if files.exist():
        return files
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("auction-platform local CA")
    ca = (
        _certificate(ca_name, ca_name, ca_key.public_key(), now, CA_DAYS)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(certificates=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    broker_key = ec.generate_private_key(ec.SECP256R1())
    broker = (
        _certificate(_name(BROKER_COMMON_NAME), ca_name, broker_key.public_key(), now, BROKER_DAYS)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(certificates=False), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False
        )
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    _write_private(
        files.ca_key,
        ca_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()),
    )
    _write_private(
        files.keystore,
        pkcs12.serialize_key_and_certificates(
            b"broker", broker_key, broker, [ca], serialization.BestAvailableEncryption(store_password.encode())
        ),
    )
    files.ca_certificate.write_bytes(ca.public_bytes(serialization.Encoding.PEM))  # written last: marks completion
    return files


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(subject, issuer, public_key, now: datetime.datetime, days: int) -> x509.CertificateBuilder:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=days))
    )


def _key_usage(*, certificates: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True, content_commitment=False, key_encipherment=False, data_encipherment=False,
        key_agreement=not certificates, key_cert_sign=certificates, crl_sign=certificates,
        encipher_only=False, decipher_only=False,
    )


def _write_private(path: Path, data: bytes) -> None:
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_bytes(data)
