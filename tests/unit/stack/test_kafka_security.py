"""The secure profile's Kafka: the security laid over the broker's config, its certificates, its secrets,
and the production template that must say the same."""
import base64
import re
import stat
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12
from hypothesis import given
from hypothesis import strategies as st
from kafka.admin import UserScramCredentialUpsertion

from deploy.stack import Profile, Stack
from deploy.stack.kafka_secure import OVERLAY_TEMPLATE, ensure_secrets, merge_properties, scram_argument
from deploy.stack.kafka_server import KafkaServer
from deploy.stack.kafka_tls import ensure_tls
from deploy.stack.profiles import REPO_ROOT

PRODUCTION = REPO_ROOT / "deploy" / "kafka" / "secure" / "server.properties"
SECURITY_KEYS = (
    "listener.security.protocol.map", "inter.broker.listener.name", "sasl.enabled.mechanisms",
    "sasl.mechanism.inter.broker.protocol", "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
    "ssl.keystore.type", "ssl.truststore.type", "listener.name.controller.ssl.client.auth",
    "ssl.principal.mapping.rules", "authorizer.class.name", "allow.everyone.if.no.acl.found", "super.users",
)


def _parse(properties: str) -> dict[str, str]:
    lines = [line for line in properties.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    keys = [line.split("=", 1)[0].strip() for line in lines]
    assert len(keys) == len(set(keys)), "a key is set twice"
    return {key: line.split("=", 1)[1].strip() for key, line in zip(keys, lines)}


def _profile(tmp_path: Path, secure: bool = True) -> Profile:
    return Profile(name="unit", kafka_port=41092, controller_port=41093, postgres_port=41432,
                   redis_port=41379, state_dir=tmp_path / "unit", secure_kafka=secure)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, str]:
    server = KafkaServer(_profile(tmp_path_factory.mktemp("secure")))
    server.log_dir.mkdir(parents=True)
    server._write_properties()
    assert stat.S_IMODE(server.properties_file.stat().st_mode) == 0o600
    return _parse(server.properties_file.read_text())


def test_clients_reach_the_secure_broker_only_over_sasl_ssl_on_loopback(rendered):
    assert rendered["listeners"] == "SASL_SSL://127.0.0.1:41092,CONTROLLER://127.0.0.1:41093"
    assert rendered["advertised.listeners"] == "SASL_SSL://127.0.0.1:41092"
    assert "PLAINTEXT" not in rendered["listener.security.protocol.map"]
    assert rendered["sasl.enabled.mechanisms"] == "SCRAM-SHA-512"


def test_the_secure_broker_refuses_what_no_acl_allows(rendered):
    assert rendered["authorizer.class.name"] == "org.apache.kafka.metadata.authorizer.StandardAuthorizer"
    assert rendered["allow.everyone.if.no.acl.found"] == "false"
    assert rendered["super.users"] == "User:admin;User:kafka-broker"
    assert rendered["listener.name.controller.ssl.client.auth"] == "required"


def test_the_single_node_settings_stay_and_every_placeholder_is_filled(rendered):
    assert rendered["offsets.topic.replication.factor"] == "1"
    assert rendered["controller.quorum.bootstrap.servers"] == "127.0.0.1:41093"
    assert Path(rendered["ssl.keystore.location"]).is_file() and Path(rendered["ssl.truststore.location"]).is_file()
    assert "${" not in "".join(rendered.values())
    assert 'username="kafka-broker"' in rendered["listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config"]


def test_production_runs_the_security_the_secure_profile_tests(rendered):
    production = _parse(PRODUCTION.read_text())
    normalized = lambda value: re.sub(r'password="[^"]*"', 'password="…"', value)  # noqa: E731
    assert {key: normalized(production[key]) for key in SECURITY_KEYS} == {
        key: normalized(rendered[key]) for key in SECURITY_KEYS
    }
    assert not any("PLAINTEXT" in value for value in production.values())
    assert int(production["min.insync.replicas"]) >= 2


@given(
    base=st.dictionaries(st.from_regex(r"[a-z]{1,8}(\.[a-z]{1,8})?", fullmatch=True), st.from_regex(r"[a-z0-9]{0,8}", fullmatch=True), max_size=8),
    overlay=st.dictionaries(st.from_regex(r"[a-z]{1,8}(\.[a-z]{1,8})?", fullmatch=True), st.from_regex(r"[A-Z0-9]{1,8}", fullmatch=True), max_size=8),
)
def test_the_overlay_wins_each_key_it_sets_and_every_key_appears_once(base, overlay):
    text = lambda settings: "# comment\n" + "\n".join(f"{k}={v}" for k, v in settings.items())  # noqa: E731
    assert _parse(merge_properties(text(base), text(overlay))) == base | overlay


def test_the_admin_is_formatted_with_a_salted_password_kafka_python_derives_alike():
    salt = b"\x01" * 24
    argument = scram_argument("admin", "s3cret", salt)
    match = re.fullmatch(r'SCRAM-SHA-512=\[name=admin,iterations=8192,salt="([^"]+)",saltedpassword="([^"]+)"\]', argument)
    assert match, argument
    expected = UserScramCredentialUpsertion("admin", "SCRAM-SHA-512", "s3cret", iterations=8192, salt=salt)
    assert base64.b64decode(match.group(2)) == expected.salted_password
    assert "s3cret" not in argument


def test_the_broker_certificate_is_signed_by_the_local_ca_for_loopback(tmp_path):
    files = ensure_tls(tmp_path / "tls", "store-pw")
    ca = x509.load_pem_x509_certificate(files.ca_certificate.read_bytes())
    key, broker, chain = pkcs12.load_key_and_certificates(files.keystore.read_bytes(), b"store-pw")
    broker.verify_directly_issued_by(ca)
    assert chain == [ca]
    assert broker.subject.rfc4514_string() == "CN=kafka-broker"
    names = broker.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert [str(ip) for ip in names.get_values_for_type(x509.IPAddress)] == ["127.0.0.1"]
    assert names.get_values_for_type(x509.DNSName) == ["localhost"]
    with pytest.raises(ValueError):
        pkcs12.load_key_and_certificates(files.keystore.read_bytes(), b"wrong")
    assert stat.S_IMODE(files.ca_key.stat().st_mode) == 0o600
    before = files.keystore.read_bytes()
    assert ensure_tls(tmp_path / "tls", "store-pw").keystore.read_bytes() == before  # made once


def test_secrets_are_made_once_and_readable_by_the_owner_only(tmp_path):
    made = ensure_secrets(tmp_path / "secrets.json")
    assert len({made.admin_password, made.broker_password, made.store_password}) == 3
    assert ensure_secrets(tmp_path / "secrets.json") == made
    assert stat.S_IMODE((tmp_path / "secrets.json").stat().st_mode) == 0o600


def test_env_of_a_secure_profile_tells_clients_to_authenticate_as_the_admin(tmp_path):
    env = Stack(_profile(tmp_path), environ={}).env()
    secrets = ensure_secrets(tmp_path / "unit" / "kafka" / "secrets.json")
    assert env["KAFKA_BOOTSTRAP_SERVERS"] == "127.0.0.1:41092"
    assert {key: value for key, value in env.items() if key.startswith("KAFKA_S")} == {
        "KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
        "KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
        "KAFKA_SASL_USERNAME": "admin",
        "KAFKA_SASL_PASSWORD": secrets.admin_password,
        "KAFKA_SSL_CAFILE": str(tmp_path / "unit" / "kafka" / "tls" / "ca.pem"),
    }
    external = Stack(_profile(tmp_path), environ={"KAFKA_BOOTSTRAP_SERVERS": "kafka.internal:9093"}).env()
    assert "KAFKA_SECURITY_PROTOCOL" not in external
    assert "KAFKA_SECURITY_PROTOCOL" not in Stack(_profile(tmp_path, secure=False), environ={}).env()


def test_the_overlay_template_names_only_what_the_stack_fills_in():
    placeholders = set(re.findall(r"\$\{(\w+)\}", OVERLAY_TEMPLATE.read_text()))
    assert placeholders == {"kafka_port", "controller_port", "keystore", "truststore", "store_password", "broker_password"}
