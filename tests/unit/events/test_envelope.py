import json
from datetime import datetime, timezone

import pytest
from hypothesis import given
from cloudevents.core.bindings import kafka
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent
from hypothesis import strategies as st

from streams.events import ALL_EVENTS, BidPlaced, Event, InvalidEvent, decode, encode
from streams.events.examples import EXAMPLES
from tests.unit.events.strategies import moments, payloads

SENT_AT = datetime(2025, 3, 8, 18, 59, 30, 500000, tzinfo=timezone.utc)


@pytest.mark.parametrize("event_class", ALL_EVENTS, ids=lambda cls: cls.type)
@given(data=st.data())
def test_every_event_type_survives_encode_then_decode(event_class, data):
    event = data.draw(payloads(event_class))
    record = encode(event, source="web", event_id="evt-1", time=SENT_AT)

    envelope = decode(record.headers, record.key, record.value)

    assert envelope.event == event
    assert (envelope.id, envelope.type, envelope.source, envelope.time) == ("evt-1", event_class.type, "web", SENT_AT)
    assert record.key == event.key().encode()


def test_encode_uses_the_cloudevents_kafka_binary_binding():
    event = EXAMPLES[BidPlaced]
    record = encode(event, source="web", event_id="evt-1", time=SENT_AT)

    assert dict(record.headers) == {
        "ce_specversion": b"1.0",
        "ce_id": b"evt-1",
        "ce_type": b"auction.bid.placed.v1",
        "ce_source": b"web",
        "ce_time": b"2025-03-08T18:59:30.500000Z",
        "content-type": b"application/json",
    }
    assert record.key == b"5f0c6a52-3b1e-4c1a-9d55-0a8e2f6b7c01"
    assert json.loads(record.value) == event.model_dump(mode="json")


def test_encode_gives_each_event_a_fresh_id_and_the_current_time():
    before = datetime.now(timezone.utc)
    first = decode(*_parts(encode(EXAMPLES[BidPlaced], source="web")))
    second = decode(*_parts(encode(EXAMPLES[BidPlaced], source="web")))

    assert first.id != second.id
    assert before <= first.time <= datetime.now(timezone.utc)


def test_encode_refuses_events_that_are_not_registered():
    class Unregistered(Event):
        type = "auction.test.unregistered.v1"
        item_id: str

    with pytest.raises(InvalidEvent, match="not a registered event type"):
        encode(Unregistered(item_id="x"), source="web")


def _parts(record):
    return record.headers, record.key, record.value


def _valid():
    return encode(EXAMPLES[BidPlaced], source="web", event_id="evt-1", time=SENT_AT)


def _headers(**changes):
    headers = dict(_valid().headers)
    for name, value in changes.items():
        name = name.replace("content_type", "content-type")
        if value is None:
            del headers[name]
        else:
            headers[name] = value
    return list(headers.items())


@pytest.mark.parametrize("missing", ["ce_id", "ce_type", "ce_source", "ce_specversion", "ce_time"])
def test_decode_refuses_records_without_a_required_header(missing):
    with pytest.raises(InvalidEvent, match=f"missing CloudEvents headers: {missing}"):
        decode(_headers(**{missing: None}), _valid().key, _valid().value)


@pytest.mark.parametrize(
    ("headers", "key", "value", "complaint"),
    [
        (_headers(), _valid().key, b"{not json", "does not match its schema"),
        (_headers(), _valid().key, b"", "does not match its schema"),
        (_headers(), _valid().key, b'{"bid_id": "x"}', "does not match its schema"),
        (_headers(), _valid().key, _valid().value.replace(b'"Ana"', b'"Ana","extra":1'), "does not match its schema"),
        (_headers(), _valid().key, b"\xff\xfe", "does not match its schema"),
        (_headers(ce_type=b"auction.bid.placed.v9"), _valid().key, _valid().value, "unknown event type"),
        (_headers(ce_specversion=b"0.3"), _valid().key, _valid().value, "bad CloudEvents envelope"),
        (_headers(ce_time=b"yesterday"), _valid().key, _valid().value, "bad CloudEvents envelope"),
        (_headers(ce_time=b"2025-03-08T18:59:30"), _valid().key, _valid().value, "bad CloudEvents envelope"),
        (_headers(ce_source=b"\xff"), _valid().key, _valid().value, "bad CloudEvents envelope"),
        (_headers(content_type=b"text/plain"), _valid().key, _valid().value, "content-type"),
        (_headers(), b"another-item", _valid().value, "is not the event's item_id"),
        (_headers(), None, _valid().value, "is not the event's item_id"),
    ],
    ids=[
        "bad json",
        "empty value",
        "schema mismatch",
        "unknown field",
        "not utf-8",
        "unknown type",
        "other spec version",
        "unparseable time",
        "time without zone",
        "header not utf-8",
        "not json content",
        "wrong key",
        "no key",
    ],
)
def test_decode_reports_every_unusable_record_as_invalid_event(headers, key, value, complaint):
    with pytest.raises(InvalidEvent, match=complaint) as raised:
        decode(headers, key, value)
    assert complaint in raised.value.reason


def test_decode_ignores_headers_that_are_not_cloudevents_attributes():
    headers = _headers() + [("dead_letter_error", b"boom"), ("traceparent", b"00-abc")]
    assert decode(headers, _valid().key, _valid().value).event == EXAMPLES[BidPlaced]


# -- the binding written here against the `cloudevents` library's Kafka binding -------------------

@pytest.mark.parametrize("event_class", ALL_EVENTS, ids=lambda cls: cls.type)
@given(data=st.data(), time=moments)
def test_the_cloudevents_library_reads_what_encode_writes(event_class, data, time):
    event = data.draw(payloads(event_class))
    record = encode(event, source="/auction/web", event_id="evt-1", time=time)

    read = kafka.from_binary(kafka.KafkaMessage(dict(record.headers), record.key, record.value), JSONFormat(), CloudEvent)

    assert (read.get_id(), read.get_type(), read.get_source(), read.get_time()) == ("evt-1", event_class.type, "/auction/web", time)
    assert read.get_datacontenttype() == "application/json"
    assert read.get_extension("partitionkey") == event.key()
    assert event_class.model_validate(read.get_data()) == event


@pytest.mark.parametrize("event_class", ALL_EVENTS, ids=lambda cls: cls.type)
@given(data=st.data(), time=moments)
def test_decode_reads_what_the_cloudevents_library_writes(event_class, data, time):
    event = data.draw(payloads(event_class))
    attributes = {"type": event_class.type, "source": "/auction/web", "id": "evt-9", "time": time,
                  "datacontenttype": "application/json"}
    message = kafka.to_binary(CloudEvent(attributes, event.model_dump(mode="json")), JSONFormat(),
                              key_mapper=lambda _: event.key().encode())

    envelope = decode(list(message.headers.items()), message.key, message.value)

    assert (envelope.id, envelope.type, envelope.source, envelope.time, envelope.event) == (
        "evt-9", event_class.type, "/auction/web", time, event
    )


@pytest.mark.parametrize(
    ("header", "value"),
    [("ce_subject", b""), ("ce_dataschema", b""), ("ce_data", b"x"), ("ce_my-ext", b"x"), ("ce_id", b""), ("ce_type", b""),
     ("ce_time", b"2025-03-08"), ("ce_extension", b"\xff")],
)
def test_decode_refuses_the_attributes_the_cloudevents_library_refuses(header, value):
    headers = _headers(**{header: value})
    with pytest.raises(Exception):  # the library's own verdict, whatever its error type
        _library_decode(headers)
    with pytest.raises(InvalidEvent):
        decode(headers, _valid().key, _valid().value)


@pytest.mark.parametrize(
    ("header", "value"),
    [("ce_subject", b"lot 7"), ("ce_traceid", b"abc123"), ("ce_time", b"2025-03-08t18:59:30.5z"),
     ("ce_time", b"2025-03-08T20:59:30+02:00")],
)
def test_decode_accepts_the_attributes_the_cloudevents_library_accepts(header, value):
    headers = _headers(**{header: value})
    library = _library_decode(headers)
    envelope = decode(headers, _valid().key, _valid().value)
    assert envelope.time == library.get_time()
    assert envelope.event == EXAMPLES[BidPlaced]


def _library_decode(headers):
    return kafka.from_binary(kafka.KafkaMessage(dict(headers), _valid().key, _valid().value), JSONFormat(), CloudEvent)
