"""The web tier's one way to write: produce an event to its topic, durably, or fail clearly.

The producer is idempotent with `acks=all`; a send blocks until the broker has the record, so a
caller that gets a `Published` back knows the fact is in the log. When Kafka cannot be reached
the caller gets `PublishUnavailable` and nothing was written anywhere.
"""
import threading
from dataclasses import dataclass

from django.conf import settings
from kafka import KafkaProducer
from kafka.errors import KafkaError

from streams import kafka_clients
from streams.events import Event, encode
from streams.topics import topic_for

SOURCE = "/auction/web"
SEND_TIMEOUT_S = 5


class PublishUnavailable(Exception):
    """The event log cannot take writes right now; nothing was written."""


@dataclass(frozen=True)
class Published:
    topic: str
    partition: int
    offset: int


_lock = threading.Lock()
_producer: KafkaProducer | None = None


def _shared_producer() -> KafkaProducer:
    global _producer
    with _lock:
        if _producer is None:
            _producer = kafka_clients.producer(
                settings.KAFKA_BOOTSTRAP_SERVERS,
                client_id="web",
                acks="all",
                enable_idempotence=True,
                linger_ms=1,
                max_block_ms=SEND_TIMEOUT_S * 1000,
                bootstrap_timeout_ms=SEND_TIMEOUT_S * 1000,
                request_timeout_ms=SEND_TIMEOUT_S * 1000,
                delivery_timeout_ms=SEND_TIMEOUT_S * 2000,
            )
        return _producer


def publish(event: Event) -> Published:
    """Produce `event` to the topic the registry names for it, keyed by its item."""
    record = encode(event, source=SOURCE)
    return publish_record(topic_for(type(event)).name, key=record.key, value=record.value, headers=record.headers)


def publish_record(
    topic: str,
    *,
    key: bytes | None,
    value: bytes | None,
    headers: list[tuple[str, bytes]],
    partition: int | None = None,
) -> Published:
    """Produce a record as it is (to `partition`, else where its key goes): how operators replay a dead letter."""
    try:
        sent = _shared_producer().send(topic, key=key, value=value, headers=headers, partition=partition)
        metadata = sent.get(timeout=SEND_TIMEOUT_S)
    except KafkaError as exc:
        raise PublishUnavailable(f"the event log is unavailable ({type(exc).__name__} writing to {topic})") from exc
    return Published(topic=metadata.topic, partition=metadata.partition, offset=metadata.offset)
