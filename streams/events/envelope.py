"""CloudEvents 1.0 over Kafka in binary mode: attributes in `ce_*` headers, the payload as JSON value.

Every processor decodes each record it reads and encodes each one it writes, so this is the
hottest code of the platform. The binding is a handful of headers, written and read here
directly: pydantic writes and validates the payload's JSON bytes (in Rust), and the envelope
around it is checked by the rules of the CloudEvents spec and the `cloudevents` library's Kafka
binding (required attributes present and non-empty, spec version 1.0, a time with a zone,
extension names of lower-case letters and digits). The unit tests hold the two to the library:
what `encode` writes the library reads back, and the records the library writes `decode` reads.
"""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Final, Iterable

import pydantic

from streams.events.base import Event
from streams.events.registry import EVENT_TYPES

CONTENT_TYPE: Final = "application/json"
SPEC_VERSION: Final = "1.0"
REQUIRED_HEADERS: Final = ("ce_id", "ce_type", "ce_source", "ce_specversion", "ce_time")

_CONTENT_TYPE_HEADER: Final = "content-type"
_CONTENT_TYPE_BYTES: Final = CONTENT_TYPE.encode()
_SPEC_VERSION_BYTES: Final = SPEC_VERSION.encode()
_STANDARD_HEADERS: Final = frozenset((*REQUIRED_HEADERS, _CONTENT_TYPE_HEADER))
_OPTIONAL_ATTRIBUTES: Final = frozenset(("subject", "dataschema", "datacontenttype"))
_EXTENSION_NAME: Final = re.compile(r"[a-z0-9]+")
_TYPE_HEADERS: Final = {event_type: event_type.encode() for event_type in EVENT_TYPES}


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


def format_time(moment: datetime) -> str:
    """RFC 3339, UTC written with `Z`, as the `cloudevents` library writes `ce_time`."""
    text = moment.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def encode(event: Event, *, source: str, event_id: str | None = None, time: datetime | None = None) -> EncodedRecord:
    """Wrap an event for producing; the id and time default to a fresh UUID and now (UTC).

    The payload was validated when the event object was built (models are frozen), and only
    registered types are accepted, so nothing a consumer would refuse can be produced.
    """
    event_class = type(event)
    payload = event_class.__pydantic_serializer__.to_json(event)
    return encode_json(event_class, event.key(), payload, source=source, event_id=event_id, time=time)


def encode_json(
    event_class: type[Event], key: str, payload: bytes, *, source: str, event_id: str | None = None,
    time: datetime | None = None,
) -> EncodedRecord:
    """`encode` for a payload already serialized: the JSON an `event_class` event serializes to, and its key.

    For a producer that writes a frequent event's JSON itself; it answers for the bytes being
    what the model would write (its tests hold it to that)."""
    type_header = _TYPE_HEADERS.get(event_class.type)
    if type_header is None or EVENT_TYPES[event_class.type] is not event_class:
        raise InvalidEvent(f"{event_class.__name__} is not a registered event type")
    if event_id is None:
        event_id = str(uuid.uuid4())
    if time is None:
        time = datetime.now(timezone.utc)
    if not source or not event_id:
        raise InvalidEvent("an event needs a non-empty source and id")
    if time.tzinfo is None or time.utcoffset() is None:
        raise InvalidEvent(f"an event's time must carry a time zone, got {time!r}")
    headers = [
        ("ce_specversion", _SPEC_VERSION_BYTES),
        ("ce_id", event_id.encode()),
        ("ce_source", source.encode()),
        ("ce_type", type_header),
        ("ce_time", format_time(time).encode()),
        (_CONTENT_TYPE_HEADER, _CONTENT_TYPE_BYTES),
    ]
    return EncodedRecord(key=key.encode(), value=payload, headers=headers)


def decode(headers: Iterable[tuple[str, bytes]], key: bytes | None, value: bytes | None) -> Envelope:
    """Parse and validate a consumed record, raising `InvalidEvent` for anything unusable."""
    header_map = dict(headers)
    missing = [name for name in REQUIRED_HEADERS if name not in header_map]
    if missing:
        raise InvalidEvent(f"missing CloudEvents headers: {', '.join(missing)}")
    content_type = header_map.get(_CONTENT_TYPE_HEADER, _CONTENT_TYPE_BYTES)
    if content_type != _CONTENT_TYPE_BYTES:
        raise InvalidEvent(f"content-type {content_type!r} is not {CONTENT_TYPE}")
    try:
        event_id = header_map["ce_id"].decode()
        source = header_map["ce_source"].decode()
        event_type = header_map["ce_type"].decode()
        specversion = header_map["ce_specversion"]
        time = _parse_time(header_map["ce_time"].decode())
        if not (event_id and source and event_type):
            raise ValueError("the id, source and type attributes must not be empty")
        if specversion != _SPEC_VERSION_BYTES:
            raise ValueError(f"specversion must be {SPEC_VERSION!r}, got {specversion!r}")
        if len(header_map) > len(_STANDARD_HEADERS) or _CONTENT_TYPE_HEADER not in header_map:
            _check_other_attributes(header_map)
    except (ValueError, AttributeError) as error:  # UnicodeDecodeError is a ValueError
        raise InvalidEvent(f"bad CloudEvents envelope: {error}") from error
    event_class = EVENT_TYPES.get(event_type)
    if event_class is None:
        raise InvalidEvent(f"unknown event type {event_type!r}")
    try:
        event = event_class.__pydantic_validator__.validate_json(value or b"")  # `model_validate_json`, less a wrapper
    except pydantic.ValidationError as error:
        raise InvalidEvent(f"{event_type} payload does not match its schema: {error}") from error
    if key is None or key.decode(errors="replace") != event.key():
        raise InvalidEvent(f"record key {key!r} is not the event's {event_class.key_field} {event.key()!r}")
    return Envelope(id=event_id, type=event_type, source=source, time=time, event=event)


def _parse_time(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = datetime.fromisoformat(text.upper())  # RFC 3339 allows a lower-case "t" and "z"
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"time {text!r} must carry a time zone")
    return moment


def _check_other_attributes(header_map: dict[str, bytes]) -> None:
    """Headers beyond the usual ones: any other `ce_*` must be a valid optional or extension attribute."""
    for name, raw in header_map.items():
        lowered = name.lower()
        if name in _STANDARD_HEADERS or not lowered.startswith("ce_"):
            continue
        attribute, text = lowered[3:], raw.decode()
        if attribute in _OPTIONAL_ATTRIBUTES:
            if not text:
                raise ValueError(f"attribute {attribute!r} must not be empty")
        elif attribute == "data" or not _EXTENSION_NAME.fullmatch(attribute):
            raise ValueError(f"{attribute!r} is not a valid extension attribute name")

