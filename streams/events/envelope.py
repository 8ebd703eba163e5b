"""CloudEvents 1.0 over Kafka in binary mode: attributes in `ce_*` headers, the payload as JSON value.

The `cloudevents` library builds and parses the envelope. It is on the hot path, so the
payload goes through it already serialized: pydantic writes and validates the JSON bytes
directly (in Rust), and the library never turns them into Python dicts and back.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, Iterable

import pydantic
from cloudevents.core.bindings import kafka
from cloudevents.core.exceptions import BaseCloudEventException
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent

from streams.events.base import Event
from streams.events.registry import EVENT_TYPES

CONTENT_TYPE: Final = "application/json"
REQUIRED_HEADERS: Final = ("ce_id", "ce_type", "ce_source", "ce_specversion", "ce_time")


class InvalidEvent(Exception):
    """A record is not a valid event of a known type; consumers dead-letter it."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class EncodedRecord:
    """What to hand to `KafkaProducer.send(topic, key=..., value=..., headers=...)`."""

    key: bytes
    value: bytes
    headers: list[tuple[str, bytes]]


@dataclass(frozen=True, slots=True)
class Envelope:
    """A decoded record: the CloudEvents attributes and the validated payload."""

    id: str
    type: str
    source: str
    time: datetime
    event: Event


class _PreserializedJSON(JSONFormat):
    """Leaves the payload as bytes on read, so pydantic validates the JSON without an extra parse."""

    def read_data(self, body: bytes, datacontenttype: str | None) -> bytes:
        return body


_FORMAT: Final = _PreserializedJSON()


def encode(event: Event, *, source: str, event_id: str | None = None, time: datetime | None = None) -> EncodedRecord:
    """Wrap an event for producing; the id and time default to a fresh UUID and now (UTC).

    The payload was validated when the event object was built (models are frozen), and only
    registered types are accepted, so nothing a consumer would refuse can be produced.
    """
    event_class = type(event)
    if EVENT_TYPES.get(event_class.type) is not event_class:
        raise InvalidEvent(f"{event_class.__name__} is not a registered event type")
    attributes: dict[str, Any] = {"type": event_class.type, "source": source, "datacontenttype": CONTENT_TYPE}
    if event_id is not None:
        attributes["id"] = event_id
    if time is not None:
        attributes["time"] = time
    key = event.key().encode()
    cloud_event = CloudEvent(attributes, event_class.__pydantic_serializer__.to_json(event))
    message = kafka.to_binary(cloud_event, _FORMAT, key_mapper=lambda _: key)
    return EncodedRecord(key=key, value=message.value, headers=list(message.headers.items()))


def decode(headers: Iterable[tuple[str, bytes]], key: bytes | None, value: bytes | None) -> Envelope:
    """Parse and validate a consumed record, raising `InvalidEvent` for anything unusable."""
    header_map = dict(headers)
    missing = [name for name in REQUIRED_HEADERS if name not in header_map]
    if missing:
        raise InvalidEvent(f"missing CloudEvents headers: {', '.join(missing)}")
    content_type = header_map.get("content-type", CONTENT_TYPE.encode())
    if content_type != CONTENT_TYPE.encode():
        raise InvalidEvent(f"content-type {content_type!r} is not {CONTENT_TYPE}")
    try:
        cloud_event = kafka.from_binary(kafka.KafkaMessage(header_map, key, value or b""), _FORMAT, CloudEvent)
    except (BaseCloudEventException, ValueError) as error:
        raise InvalidEvent(f"bad CloudEvents envelope: {error}") from error
    event_type = cloud_event.get_type()
    event_class = EVENT_TYPES.get(event_type)
    if event_class is None:
        raise InvalidEvent(f"unknown event type {event_type!r}")
    try:
        event = event_class.model_validate_json(cloud_event.get_data() or b"")
    except pydantic.ValidationError as error:
        raise InvalidEvent(f"{event_type} payload does not match its schema: {error}") from error
    if key is None or key.decode(errors="replace") != event.key():
        raise InvalidEvent(f"record key {key!r} is not the event's {event_class.key_field} {event.key()!r}")
    return Envelope(
        id=cloud_event.get_id(),
        type=event_type,
        source=cloud_event.get_source(),
        time=cloud_event.get_time(),
        event=event,
    )
