"""One source for the Kafka connection settings, one place where Kafka clients are made."""
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from streams import kafka_clients
from streams.runtime import RuntimeConfig

REPO = Path(__file__).resolve().parents[3]
CONSTRUCTOR = re.compile(r"\bKafka(Producer|Consumer|AdminClient)\(")


def test_django_and_the_runtime_read_the_broker_address_from_one_place_with_one_default():
    assert kafka_clients.bootstrap_servers({}) == kafka_clients.DEFAULT_BOOTSTRAP_SERVERS == "127.0.0.1:19092"
    assert RuntimeConfig.from_env({}).bootstrap_servers == kafka_clients.DEFAULT_BOOTSTRAP_SERVERS
    assert RuntimeConfig.from_env({"KAFKA_BOOTSTRAP_SERVERS": "k:1"}).bootstrap_servers == "k:1"
    settings = (REPO / "auction" / "settings.py").read_text()
    assert "KAFKA_BOOTSTRAP_SERVERS = kafka_clients.bootstrap_servers()" in settings


def test_kafka_clients_are_made_by_the_client_factory_only():
    by_hand = sorted(
        str(path.relative_to(REPO))
        for folder in ("auction", "streams")
        for path in (REPO / folder).rglob("*.py")
        if CONSTRUCTOR.search(path.read_text())
    )
    assert by_hand == ["streams/kafka_clients.py"]


SASL_SSL = {
    "KAFKA_SECURITY_PROTOCOL": "sasl_ssl",
    "KAFKA_SASL_USERNAME": "bidding",
    "KAFKA_SASL_PASSWORD": "s3cret",
}


def test_without_security_variables_clients_connect_in_plaintext():
    assert kafka_clients.client_security({}) == kafka_clients.ClientSecurity()
    assert kafka_clients.connection_options("k:1", kafka_clients.client_security({})) == {
        "bootstrap_servers": "k:1",
        "security_protocol": "PLAINTEXT",
    }


def test_sasl_ssl_gives_every_client_the_principal_the_mechanism_and_the_ca(tmp_path):
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    security = kafka_clients.client_security(SASL_SSL | {"KAFKA_SSL_CAFILE": str(ca)})
    assert kafka_clients.connection_options("k:1", security) == {
        "bootstrap_servers": "k:1",
        "security_protocol": "SASL_SSL",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_plain_username": "bidding",
        "sasl_plain_password": "s3cret",
        "ssl_cafile": str(ca),
    }


def test_the_runtime_reads_its_principal_from_the_same_variables():
    config = RuntimeConfig.from_env(SASL_SSL | {"KAFKA_SASL_MECHANISM": "scram-sha-256"})
    assert config.security == kafka_clients.ClientSecurity(
        protocol="SASL_SSL", sasl_mechanism="SCRAM-SHA-256", username="bidding", password="s3cret"
    )
    settings = (REPO / "auction" / "settings.py").read_text()
    assert "KAFKA_SECURITY = kafka_clients.client_security()" in settings


def test_sasl_variables_mean_nothing_without_sasl():
    security = kafka_clients.client_security({"KAFKA_SASL_USERNAME": "web", "KAFKA_SASL_PASSWORD": "x"})
    assert security.options() == {"security_protocol": "PLAINTEXT"}


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"KAFKA_SECURITY_PROTOCOL": "TLS"}, "KAFKA_SECURITY_PROTOCOL='TLS' is not one of PLAINTEXT, SSL"),
        ({"KAFKA_SECURITY_PROTOCOL": "SASL_SSL"}, "needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD"),
        ({**SASL_SSL, "KAFKA_SASL_PASSWORD": ""}, "needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD"),
        ({**SASL_SSL, "KAFKA_SASL_MECHANISM": "GSSAPI"}, "KAFKA_SASL_MECHANISM='GSSAPI' is not one of"),
        ({**SASL_SSL, "KAFKA_SSL_CAFILE": "/nowhere/ca.pem"}, "KAFKA_SSL_CAFILE=/nowhere/ca.pem is not a file"),
    ],
)
def test_settings_that_do_not_fit_together_are_refused_with_the_variable_to_fix(env, message):
    with pytest.raises(kafka_clients.KafkaSettingsError, match=re.escape(message)):
        kafka_clients.client_security(env)


@given(password=st.text(alphabet=st.characters(codec="ascii", categories=("L", "N", "P")), min_size=1).map("pw:".__add__))
def test_the_password_never_shows_in_a_repr(password):
    security = kafka_clients.ClientSecurity(protocol="SASL_SSL", username="web", password=password)
    assert password not in repr(security)
    assert password not in repr(RuntimeConfig(bootstrap_servers="k:1", security=security))


def _made_with(monkeypatch) -> list[dict]:
    made: list[dict] = []
    monkeypatch.setattr(kafka_clients, "consumer", lambda servers, **options: made.append(options) or options)
    return made


def test_the_group_consumer_may_be_told_to_wait_long_and_the_restorer_waits_briefly(monkeypatch):
    from streams.runtime import clients

    made = _made_with(monkeypatch)
    config = RuntimeConfig.from_env({"STREAMS_IDLE_FETCH_MAX_WAIT_MS": "20000"})
    group, restore = clients.group_consumer(config, "bidding"), clients.restore_consumer(config)
    assert group["fetch_max_wait_ms"] == config.fetch_max_wait_ms == 500
    # kafka-python refuses a fetch wait as long as its request timeout, checked when the client is made
    assert group["request_timeout_ms"] > config.idle_fetch_max_wait_ms == 20000
    # Restoring reads to a changelog's end, which only a fetch's answer tells: an empty one must answer soon.
    assert restore["fetch_max_wait_ms"] <= 500
    assert len(made) == 2


def test_the_fetch_wait_is_changed_in_the_setting_kafka_python_reads_for_each_fetch(caplog):
    from types import SimpleNamespace

    from streams.runtime import clients

    consumer = SimpleNamespace(_fetcher=SimpleNamespace(config={"fetch_max_wait_ms": 500, "fetch_min_bytes": 1}))
    clients.set_fetch_max_wait(consumer, 5000)
    assert consumer._fetcher.config == {"fetch_max_wait_ms": 5000, "fetch_min_bytes": 1}
    clients.set_fetch_max_wait(SimpleNamespace(), 5000)  # a client without it: left alone, and said
    assert "fetches keep their wait" in caplog.text
