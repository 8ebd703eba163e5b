"""Two inputs merged in stream time: a bid is never decided before a listing that reached the log first.

The consumer's high watermark of a partition is only as fresh as its last fetch. While that
partition's leader is lost (a broker died), fetches from it fail and the old value says "caught
up", though the new leader holds a listing written just before. The runner asks the broker before
it goes on without an input, so the bid that depends on the listing waits for it.

Waiting is only safe for an input that is being fetched: the runner makes sure it is, or the
processor would stop for good (found in a projector splitting a batch PostgreSQL refused).
"""
import pytest
from kafka.errors import InvalidRecordError, KafkaTimeoutError
from kafka.structs import TopicPartition

from streams.runtime import Emit, Processor, Store
from streams.runtime.runner import STALLED_S
from streams.topics import DEAD_LETTER_TOPIC
from tests.unit.runtime.fakebroker import FakeProducer

ITEMS, BIDS = TopicPartition("items", 0), TopicPartition("bids", 0)


def judge(record, context):
    listed = context.state("listed")
    key = record.key.decode()
    if record.topic == "items":
        listed.set(key, True)
        return []
    return [Emit("out", record.key, b"accepted" if listed.get(key) else b"no auction")]


auction = Processor(name="auction", inputs=["items", "bids"], outputs=["out"], handle=judge, stores=[Store("listed")])


@pytest.fixture(autouse=True)
def topics(broker):
    for topic in ("items", "bids", "out"):
        broker.create_topic(topic, 1)


def started(broker, start):
    instance = start(auction)
    broker.assign(instance.consumer, [ITEMS, BIDS])
    return instance


def test_a_bid_waits_for_a_listing_its_partitions_lost_leader_still_holds(broker, clock, start):
    instance = started(broker, start)
    broker.produce("items", b"lot-1", b"open", partition=0, timestamp_ms=clock.time_ms())
    instance.step_until_idle()  # lot-1 is listed; the consumer's high watermark of items-0 is current

    broker.leaderless.add(ITEMS)  # its leader dies just as lot-2 is written: the new leader has it
    broker.produce("items", b"lot-2", b"open", partition=0, timestamp_ms=clock.time_ms())
    clock.advance(10)
    broker.produce("bids", b"lot-2", b"bid", partition=0, timestamp_ms=clock.time_ms())
    instance.step(3)
    assert broker.values("out") == []  # the cached watermark says items-0 is caught up: the broker says it is not

    broker.leaderless.discard(ITEMS)  # the consumer finds the new leader
    instance.step_until_idle()
    assert broker.values("out") == [b"accepted"]


def test_a_bid_waits_for_a_listing_of_the_same_transaction_whose_commit_marker_is_late(broker, clock, start):
    """A transaction's markers reach each partition separately (the bidding processor writes a late bid's
    decision and the auction's close together): the bid's part is readable, the listing's is not yet, and
    the listing's last stable offset still says "caught up". Its high watermark says otherwise."""
    instance = started(broker, start)
    broker.produce("items", b"lot-1", b"open", partition=0, timestamp_ms=clock.time_ms())
    instance.step_until_idle()

    writer = FakeProducer(broker, client_id="writer", transactional_id="writer")
    writer.init_transactions()
    writer.begin_transaction()
    writer.send("items", b"open", key=b"lot-2", partition=0, timestamp_ms=clock.time_ms())
    writer.send("bids", b"bid", key=b"lot-2", partition=0, timestamp_ms=clock.time_ms() + 1)
    broker.late_markers.add(ITEMS)
    writer.commit_transaction()
    instance.step(5)
    assert broker.values("out") == []  # the bid is readable, its listing is not yet: it waits

    broker.land_markers(ITEMS)
    instance.step_until_idle()
    assert broker.values("out") == [b"accepted"]


def test_an_input_never_fetched_whose_end_the_broker_cannot_tell_is_waited_for_not_a_crash(broker, clock, start):
    instance = started(broker, start)
    broker.leaderless.add(ITEMS)  # never fetched: the consumer knows no high watermark of it
    broker.produce("items", b"lot-1", b"open", partition=0, timestamp_ms=clock.time_ms())
    broker.produce("bids", b"lot-1", b"bid", partition=0, timestamp_ms=clock.time_ms() + 1)
    broker.fail_next("end_offsets", KafkaTimeoutError("no leader"), times=3)
    instance.step(3)
    assert broker.values("out") == []

    broker.leaderless.discard(ITEMS)
    instance.step_until_idle()
    assert broker.values("out") == [b"accepted"]


def test_an_input_that_is_really_caught_up_is_not_waited_for(broker, clock, start):
    instance = started(broker, start)
    broker.produce("items", b"lot-1", b"open", partition=0, timestamp_ms=clock.time_ms())
    instance.step_until_idle()
    broker.produce("bids", b"lot-1", b"bid", partition=0, timestamp_ms=clock.time_ms())
    broker.produce("bids", b"lot-9", b"bid", partition=0, timestamp_ms=clock.time_ms())
    instance.step_until_idle()
    assert broker.values("out") == [b"accepted", b"no auction"]


def step_until(instance, done, limit: int = 200) -> None:
    """Step until `done()`; a runner that waits forever fails the test after `limit` steps."""
    for _ in range(limit):
        if done():
            return
        instance.step()
    raise AssertionError(f"still waiting after {limit} steps")


def listings_and_bids(broker, lots: int, poison: int | None = None) -> None:
    """`lots` listings, each followed by a bid on it; the `poison`th bid's outcome is refused at every commit
    (as PostgreSQL refused a projector's row), so its batch is split to dead-letter it."""
    if poison is not None:
        broker.reject(lambda record: record.topic == "out" and record.key == b"lot-poison", InvalidRecordError("refused"))
    for lot in range(lots):
        broker.produce("items", b"lot-%d" % lot, b"open", partition=0)
        broker.produce("bids", b"lot-poison" if lot == poison else b"lot-%d" % lot, b"bid", partition=0)


@pytest.mark.parametrize("poison", [0, 3])
def test_an_input_paused_while_a_failed_batch_is_split_is_read_again_once_resumed(broker, clock, start, poison):
    """The hang that reverted the first fix. Split, a batch goes one record per transaction while
    polls fetch more: buffers fill and fetching pauses. kafka-python parks a partition paused part-way
    through a fetch and, resumed, never fetches it again; the merge then waits forever for records the
    broker rightly says are there. The runner has a resumed partition fetched again from where it stands."""
    instance = start(auction, max_batch=4, max_buffered_per_partition=4)
    broker.assign(instance.consumer, [ITEMS, BIDS])
    listings_and_bids(broker, lots=10, poison=poison)
    step_until(instance, lambda: len(broker.values("out")) == 9)
    assert instance.consumer.parks > 0  # the case this is about happened
    assert broker.values("out") == [b"accepted"] * 9
    (dead,) = broker.records(DEAD_LETTER_TOPIC)
    assert dead.key == b"lot-poison"


def test_a_partition_paused_at_a_buffer_of_one_is_resumed_once_its_record_is_handed_over(broker, clock, start):
    instance = start(auction, max_buffered_per_partition=1)
    broker.assign(instance.consumer, [ITEMS, BIDS])
    for round_ in (1, 2):  # the first fills both buffers (both paused); the second must be read after resuming
        listings_and_bids(broker, lots=3)
        step_until(instance, lambda: len(broker.values("out")) == 3 * round_)
    assert broker.values("out") == [b"accepted"] * 6


def test_an_input_the_consumer_stopped_fetching_is_fetched_again_rather_than_waited_for_forever(broker, clock, start):
    instance = started(broker, start)
    broker.produce("items", b"lot-1", b"open", partition=0, timestamp_ms=clock.time_ms())
    instance.step_until_idle()

    instance.consumer.stall(ITEMS)  # whatever the cause, the client no longer fetches items-0
    broker.produce("items", b"lot-2", b"open", partition=0, timestamp_ms=clock.time_ms())
    clock.advance(10)
    broker.produce("bids", b"lot-2", b"bid", partition=0, timestamp_ms=clock.time_ms())
    instance.step(3)
    assert broker.values("out") == []  # the broker says items-0 has a record to read: the bid waits for it

    clock.advance(STALLED_S)
    step_until(instance, lambda: broker.values("out") != [])
    assert broker.values("out") == [b"accepted"]
    assert instance.runner.metrics.refetches.labels("auction")._value.get() == 1


def test_a_split_batch_asks_the_broker_once_for_an_input_that_stays_caught_up_not_once_per_record(broker, clock, start):
    """One question per record made a split of 700 records take minutes on a loaded machine."""
    instance = started(broker, start)
    broker.reject(lambda record: record.topic == "out" and record.key == b"lot-poison", InvalidRecordError("refused"))
    broker.produce("items", b"lot-1", b"open", partition=0, timestamp_ms=clock.time_ms())
    instance.step_until_idle()
    for key in [b"lot-1"] * 10 + [b"lot-poison"] + [b"lot-1"] * 10:  # items-0 stays caught up all along
        broker.produce("bids", key, b"bid", partition=0, timestamp_ms=clock.time_ms())
    asked = instance.consumer.offset_questions

    step_until(instance, lambda: len(broker.values("out")) == 20)
    assert broker.values("out") == [b"accepted"] * 20
    assert instance.consumer.offset_questions - asked <= 4  # the first tries, the split's first record, and after the abort
