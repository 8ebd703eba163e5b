"""One source for the Kafka connection settings, one place where Kafka clients are made."""
import re
from pathlib import Path

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
