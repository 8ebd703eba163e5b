"""The web tier's one way to write: produce an event to its topic, durably, or fail clearly.

The producer is idempotent with `acks=all`; a caller that gets a `Published` back knows the fact
is in the log. `publish` blocks its thread until then; `send` hands back a `Sending` that an async
view awaits without holding a thread. When Kafka cannot be reached the caller gets
`PublishUnavailable` and nothing was written anywhere. A record handed to the producer whose
acknowledgement does not come in time is another matter: the broker may have it (a leader that
died after writing, an acknowledgement lost), so the caller gets `PublishUncertain` and must not
say "nothing was saved".

A producer whose send failed is dropped and the next send makes a new one: kafka-python's idempotent
producer never sends again once a batch expired (a broker died with records in flight: every later
send times out), while a new producer, with a new producer id, works as soon as the partitions have
new leaders.
"""
import asyncio
import threading
from dataclasses import dataclass

from django.conf import settings
from kafka import KafkaProducer
from kafka.errors import KafkaError
from kafka.producer.future import FutureRecordMetadata

from streams import kafka_clients
from streams.events import Event, encode
from streams.topics import topic_for

SOURCE = "/auction/web"
SEND_TIMEOUT_S = 5


class PublishUnavailable(Exception):
    """The event log cannot take writes right now; nothing was written."""


class PublishUncertain(PublishUnavailable):
    """The record was handed over but its acknowledgement did not come: it may or may not be in the log."""


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
                security=settings.KAFKA_SECURITY,
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


def _discard(producer: KafkaProducer) -> None:
    """Stop using `producer` (if it is still the shared one); it is closed in the background, without waiting."""
    global _producer
    with _lock:
        if _producer is not producer:
            return
        _producer = None
    threading.Thread(target=producer.close, kwargs={"timeout": 0}, name="web-producer-close", daemon=True).start()


def _unavailable(error: Exception) -> PublishUnavailable:
    return PublishUnavailable(f"the event log is unavailable ({type(error).__name__})")


def _uncertain(error: Exception) -> PublishUncertain:
    return PublishUncertain(f"the event log did not acknowledge the write ({type(error).__name__})")


class Sending:
    """A record handed to the producer, on its way to the broker."""

    def __init__(self, future: FutureRecordMetadata, producer: KafkaProducer) -> None:
        self._future = future
        self._producer = producer

    def result(self) -> Published:
        """Blocks until the broker has the record."""
        try:
            return _published(self._future.get(timeout=SEND_TIMEOUT_S))
        except KafkaError as error:
            _discard(self._producer)
            raise _uncertain(error) from error

    async def published(self) -> Published:
        """Awaits the broker's acknowledgement in the event loop, holding no thread."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future = loop.create_future()

        def settle(outcome: object) -> None:
            loop.call_soon_threadsafe(lambda: done.done() or done.set_result(outcome))

        self._future.add_both(settle)
        try:
            outcome = await asyncio.wait_for(done, SEND_TIMEOUT_S)
        except TimeoutError as error:
            _discard(self._producer)
            raise _uncertain(error) from error
        if isinstance(outcome, Exception):
            _discard(self._producer)
            raise _uncertain(outcome) from outcome
        return _published(outcome)


def _published(metadata) -> Published:
    return Published(topic=metadata.topic, partition=metadata.partition, offset=metadata.offset)


def send(event: Event) -> Sending:
    """Hand `event` to the producer for the topic the registry names for it, keyed by its item."""
    record = encode(event, source=SOURCE)
    return send_record(topic_for(type(event)).name, key=record.key, value=record.value, headers=record.headers)


def send_record(
    topic: str,
    *,
    key: bytes | None,
    value: bytes | None,
    headers: list[tuple[str, bytes]],
    partition: int | None = None,
) -> Sending:
    """Hand a record as it is to the producer (to `partition`, else where its key goes): how operators
    replay a dead letter, with `.result()` to wait for the broker."""
    producer = None
    try:
        producer = _shared_producer()
        return Sending(producer.send(topic, key=key, value=value, headers=headers, partition=partition), producer)
    except KafkaError as error:
        if producer is not None:
            _discard(producer)
        raise _unavailable(error) from error


def publish(event: Event) -> Published:
    """`send(event)`, blocking until the broker has it."""
    return send(event).result()
