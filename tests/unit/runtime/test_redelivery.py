"""A dead letter replayed through the failed processor's retry topic reaches that processor alone, as first read.

Two processors read the same input on the fake broker: `picky` fails on a poisoned record (until
the test "fixes" it), `tally` takes everything. Replaying picky's dead letter as operators do
(`redelivery`, to picky's retry topic) must reach picky with the original topic, partition,
offset, timestamp and headers, and never reach tally.
"""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from kafka.structs import TopicPartition

from streams.runtime import Emit, Processor
from streams.runtime.preflight import WiringError, check_topics
from streams.runtime.redelivery import ORIGIN_OFFSET, NotARedelivery, as_first_read, redelivery
from streams.runtime.synchronizer import InputSynchronizer
from streams.topics import DEAD_LETTER_TOPIC, retry_topic
from tests.unit.runtime.fakebroker import FakeAdmin, FakeRecord

IN = "in"
PARTITIONS = 2


class Picky:
    """Fails on b"poison" until fixed; remembers every record its handler saw."""

    def __init__(self) -> None:
        self.fixed = False
        self.seen: list = []

    def __call__(self, record, context):
        self.seen.append(record)
        if record.value == b"poison" and not self.fixed:
            raise ValueError("cannot take poison yet")
        return [Emit("picky-out", record.key, record.value)]


def _processors(picky: Picky):
    return (
        Processor(name="picky", inputs=[IN], outputs=["picky-out"], handle=picky),
        Processor(name="tally", inputs=[IN], outputs=["tally-out"], handle=lambda r, c: [Emit("tally-out", r.key, r.value)]),
    )


@pytest.fixture
def topics(broker):
    for topic in (IN, "picky-out", "tally-out"):
        broker.create_topic(topic, PARTITIONS)


def _everything(broker, instance, *topics: str) -> None:
    broker.assign(instance.consumer, [TopicPartition(topic, p) for topic in topics for p in range(PARTITIONS)])


def _replay(broker, letter: FakeRecord) -> FakeRecord:
    """What the ops service does with a dead letter: back to its processor's retry topic, where it was first read."""
    found = dict(letter.headers)
    again = redelivery(
        retry_topic(found["dlq.processor"].decode()),
        topic=found["dlq.topic"].decode(),
        partition=int(found["dlq.partition"]),
        offset=int(found["dlq.offset"]),
        timestamp_ms=int(found["dlq.timestamp"]),
        key=letter.key,
        value=letter.value,
        headers=[(name, value) for name, value in letter.headers if not name.startswith("dlq.")],
    )
    return broker.produce(again.topic, again.key, again.value, partition=again.partition, headers=again.headers)


def test_the_runtime_creates_the_retry_topic_partitioned_like_the_inputs(broker, start, topics):
    start(_processors(Picky())[0])
    assert broker.partitions("picky.retry") == PARTITIONS
    assert broker.topic_configs["picky.retry"] == {"cleanup.policy": "delete", "retention.ms": "-1"}


def test_a_retry_topic_partitioned_unlike_the_inputs_stops_the_processor(broker, topics):
    broker.create_topic("picky.retry", PARTITIONS + 1)
    with pytest.raises(WiringError, match=r"picky.retry.*need 2 partitions like the inputs"):
        check_topics(FakeAdmin(broker, client_id="t"), _processors(Picky())[0])


def test_a_processor_that_never_dead_letters_has_no_retry_topic():
    quiet = Processor(name="quiet", inputs=[IN], handle=lambda r, c: None, replayable=False)
    assert quiet.retry_topic is None and quiet.subscriptions == (IN,)
    assert Processor(name="p", inputs=[IN, "other"], handle=lambda r, c: None).subscriptions == (IN, "other", "p.retry")
    with pytest.raises(ValueError, match="retry topic"):
        Processor(name="p", inputs=["p.retry"], handle=lambda r, c: None)


def test_a_replayed_dead_letter_reaches_only_the_processor_that_failed_it_as_first_read(broker, clock, start, topics):
    picky_handler = Picky()
    picky_processor, tally_processor = _processors(picky_handler)
    picky, tally = start(picky_processor, instance="p"), start(tally_processor, instance="t")
    _everything(broker, picky, IN, "picky.retry")
    _everything(broker, tally, IN, "tally.retry")
    broker.produce(IN, b"k1", b"fine", partition=1)
    poison = broker.produce(IN, b"k2", b"poison", partition=1, headers=[("ce_id", b"e-2")])
    picky.step_until_idle()
    tally.step_until_idle()
    [letter] = broker.records(DEAD_LETTER_TOPIC)
    assert broker.values("tally-out") == [b"fine", b"poison"]

    picky_handler.fixed = True
    picky_handler.seen.clear()
    clock.advance(60)  # replayed a minute later
    replayed = _replay(broker, letter)
    assert (replayed.topic, replayed.partition) == ("picky.retry", 1)
    picky.step_until_idle()
    tally.step_until_idle()

    [seen] = picky_handler.seen
    assert (seen.topic, seen.partition, seen.offset, seen.timestamp_ms) == (IN, 1, poison.offset, poison.timestamp)
    assert (seen.key, seen.value, list(seen.headers)) == (b"k2", b"poison", [("ce_id", b"e-2")])
    assert broker.values("picky-out") == [b"fine", b"poison"]
    assert broker.values("tally-out") == [b"fine", b"poison"]  # tally never saw it again
    assert broker.records(IN, 1)[-1].offset == poison.offset  # nothing went back to the shared input
    assert broker.committed("picky", TopicPartition("picky.retry", 1)) == replayed.offset + 1
    assert len(broker.records(DEAD_LETTER_TOPIC)) == 1


def test_a_replay_that_fails_again_is_dead_lettered_as_its_original_was(broker, start, topics):
    picky_processor, _ = _processors(Picky())
    picky = start(picky_processor)
    _everything(broker, picky, IN, "picky.retry")
    poison = broker.produce(IN, b"k", b"poison", partition=0, headers=[("ce_id", b"e-1")])
    picky.step_until_idle()
    [first] = broker.records(DEAD_LETTER_TOPIC)
    _replay(broker, first)
    picky.step_until_idle()

    first_letter, second_letter = broker.records(DEAD_LETTER_TOPIC)
    assert second_letter.headers == first_letter.headers  # same origin, same original headers, same error
    assert dict(second_letter.headers)["dlq.offset"] == str(poison.offset).encode()
    assert dict(second_letter.headers)["dlq.topic"] == IN.encode()


def test_a_record_on_the_retry_topic_that_does_not_say_where_it_came_from_is_dead_lettered(broker, start, topics):
    picky_handler = Picky()
    picky = start(_processors(picky_handler)[0])
    _everything(broker, picky, IN, "picky.retry")
    broker.produce("picky.retry", b"k", b"fine", partition=0)
    picky.step_until_idle()
    [letter] = broker.records(DEAD_LETTER_TOPIC)
    headers = dict(letter.headers)
    assert headers["dlq.error_type"] == b"NotARedelivery" and headers["dlq.topic"] == b"picky.retry"
    assert picky_handler.seen == [] and broker.values("picky-out") == []


origins = st.fixed_dictionaries({
    "topic": st.text(min_size=1, max_size=30),
    "partition": st.integers(0, 1000),
    "offset": st.integers(0, 2**62),
    "timestamp_ms": st.integers(0, 2**42),
    "key": st.none() | st.binary(max_size=40),
    "value": st.none() | st.binary(max_size=200),
    "headers": st.lists(st.tuples(st.text(max_size=20).filter(lambda n: not n.startswith("retry.")), st.binary(max_size=30)),
                        max_size=5),
})


@given(origins, st.integers(0, 2**62), st.integers(0, 2**42))
def test_as_first_read_gives_back_exactly_what_redelivery_was_given(origin, retry_offset, retry_timestamp):
    again = redelivery("p.retry", **origin)
    raw = FakeRecord(again.topic, again.partition, retry_offset, retry_timestamp, again.key, again.value, again.headers)
    read = as_first_read(raw)
    assert (read.topic, read.partition, read.offset, read.timestamp) == (
        origin["topic"], origin["partition"], origin["offset"], origin["timestamp_ms"]
    )
    assert (read.key, read.value, read.headers) == (origin["key"], origin["value"], origin["headers"])


def test_without_the_original_timestamp_the_retry_records_own_is_used_and_broken_origins_are_refused():
    again = redelivery("p.retry", topic=IN, partition=3, offset=7, timestamp_ms=None, key=b"k", value=b"v", headers=[])
    raw = FakeRecord("p.retry", 3, 0, 999, b"k", b"v", again.headers)
    assert as_first_read(raw).timestamp == 999
    with pytest.raises(NotARedelivery, match="partition 3"):
        as_first_read(raw._replace(partition=4))
    with pytest.raises(NotARedelivery, match="not a number"):
        as_first_read(raw._replace(headers=[(name, b"seven" if name == ORIGIN_OFFSET else value) for name, value in raw.headers]))
    with pytest.raises(NotARedelivery, match="retry.topic"):
        as_first_read(raw._replace(headers=[]))


def test_out_of_band_records_go_first_and_are_never_waited_for():
    sync = InputSynchronizer(["items", "bids"], max_idle_ms=10_000, out_of_band=["p.retry"])
    asked = []

    def lagging(tp):
        asked.append(tp.topic)
        return True

    sync.add(TopicPartition("bids", 0), [FakeRecord("bids", 0, 0, 5, None, None, [])])
    sync.add(TopicPartition("p.retry", 0), [FakeRecord("p.retry", 0, 0, 99, None, None, [])])
    assert [r.topic for r in sync.ready(0, lagging, 10)] == ["p.retry"]  # the bid waits for the lagging listings
    assert "p.retry" not in asked
    sync.add(TopicPartition("items", 0), [FakeRecord("items", 0, 0, 1, None, None, [])])
    assert [r.topic for r in sync.ready(0, lagging, 10)] == ["items"]
