"""Poison records go to the dead-letter topic with their reason, and the processor keeps going."""
import json

from streams.events.envelope import decode as decode_event
from streams.events.envelope import encode as encode_event
from streams.events.examples import EXAMPLES
from streams.events.items import ItemListed
from streams.runtime import Emit, Processor
from tests.integration.runtime.processors import strict_doubler
from tests.integration.runtime.support import create_topics, header, produce, read_committed, running


def test_bad_json_wrong_schema_and_a_raising_handler_are_dead_lettered_in_order(kafka_bootstrap, unique_name):
    name = unique_name("poison")
    source, target, dead_letters = f"{name}-in", f"{name}-out", f"{name}-dlq"
    create_topics(kafka_bootstrap, [source, target, dead_letters], partitions=1)
    values = [b'{"n": 1}', b"{not json", b'{"m": 2}', b'{"n": 13}', b'{"n": 7}', b'{"n": 3}']
    produce(kafka_bootstrap, source, [(b"same-key", value, [("ce_id", b"event-%d" % i)]) for i, value in enumerate(values)])
    attempts: dict[int, int] = {}

    with running(strict_doubler(name, source, target, dead_letters, attempts), kafka_bootstrap) as runner:
        outputs = read_committed(kafka_bootstrap, target, expected=3)
        letters = read_committed(kafka_bootstrap, dead_letters, expected=3)

    assert [record.value for record in outputs] == [b"2", b"14", b"6"]
    assert attempts == {7: 3}, "the transient failure is retried until it succeeds"
    assert [(r.key, r.value) for r in letters] == [(b"same-key", value) for value in values[1:4]]
    assert [header(r, "dlq.offset") for r in letters] == [b"1", b"2", b"3"]
    assert [header(r, "dlq.error_type") for r in letters] == [b"JSONDecodeError", b"ValueError", b"RuntimeError"]
    assert b"integer n" in header(letters[1], "dlq.error") and header(letters[2], "dlq.error") == b"thirteen is unlucky"
    for error_type in ("JSONDecodeError", "ValueError", "RuntimeError"):
        labels = {"processor": name, "error_type": error_type}
        assert runner.metrics.registry.get_sample_value("streams_dead_letters_total", labels) == 1
    for letter, original in zip(letters, (1, 2, 3)):
        assert header(letter, "dlq.topic") == source.encode() and header(letter, "dlq.partition") == b"0"
        assert header(letter, "dlq.processor") == name.encode()
        assert header(letter, "ce_id") == b"event-%d" % original, "the original headers are kept"


def test_the_cloudevents_decoder_plugs_in_and_its_rejections_are_dead_lettered(kafka_bootstrap, unique_name):
    name = unique_name("events")
    source, target, dead_letters = f"{name}-in", f"{name}-out", f"{name}-dlq"
    create_topics(kafka_bootstrap, [source, target, dead_letters], partitions=1)
    good = encode_event(EXAMPLES[ItemListed], source="test")
    payload = json.loads(good.value)
    del payload["title"]
    produce(
        kafka_bootstrap,
        source,
        [
            (good.key, good.value, good.headers),
            (good.key, json.dumps(payload).encode(), good.headers),
            (good.key, good.value, good.headers),
        ],
    )

    def handle(record, context):
        return [Emit(target, record.key, record.value.event.title.encode(), [("type", record.value.type.encode())])]

    processor = Processor(
        name=name, inputs=[source], outputs=[target], handle=handle, decode=decode_event, dead_letter_topic=dead_letters
    )
    with running(processor, kafka_bootstrap):
        outputs = read_committed(kafka_bootstrap, target, expected=2)
        letters = read_committed(kafka_bootstrap, dead_letters, expected=1)

    title = EXAMPLES[ItemListed].title.encode()
    assert [r.value for r in outputs] == [title, title]
    assert [header(r, "dlq.error_type") for r in letters] == [b"InvalidEvent"]
    assert b"title" in header(letters[0], "dlq.error") and header(letters[0], "dlq.offset") == b"1"


def test_what_a_handler_must_not_return_is_its_error(kafka_bootstrap, unique_name):
    name = unique_name("bad-results")
    source, target, dead_letters = f"{name}-in", f"{name}-out", f"{name}-dlq"
    create_topics(kafka_bootstrap, [source, target, dead_letters], partitions=1)
    produce(kafka_bootstrap, source, [(b"k", b"undeclared"), (b"k", b"text"), (b"k", b"huge"), (b"k", b"fine")])

    def handle(record, context):
        return {
            b"undeclared": [Emit("some-other-topic", record.key, b"x")],
            b"text": [Emit(target, record.key, "not bytes")],
            b"huge": [Emit(target, record.key, b"x" * 2_000_000)],
            b"fine": [Emit(target, record.key, b"ok")],
        }[record.value]

    processor = Processor(name=name, inputs=[source], outputs=[target], handle=handle, dead_letter_topic=dead_letters)
    with running(processor, kafka_bootstrap):
        outputs = read_committed(kafka_bootstrap, target, expected=1)
        letters = read_committed(kafka_bootstrap, dead_letters, expected=3)

    assert [r.value for r in outputs] == [b"ok"]
    assert [(r.value, header(r, "dlq.error_type")) for r in letters] == [
        (b"undeclared", b"ValueError"), (b"text", b"TypeError"), (b"huge", b"ValueError")
    ]
    assert b"not among the processor's declared outputs" in header(letters[0], "dlq.error")
