"""Two inputs merged in stream time: a bid is never decided before a listing that reached the log first.

The consumer's high watermark of a partition is only as fresh as its last fetch. While that
partition's leader is lost (a broker died), fetches from it fail and the old value says "caught
up", though the new leader holds a listing written just before. The runner asks the broker before
it goes on without an input, so the bid that depends on the listing waits for it.
"""
import pytest
from kafka.structs import TopicPartition

from streams.runtime import Emit, Processor, Store

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


def test_an_input_that_is_really_caught_up_is_not_waited_for(broker, clock, start):
    instance = started(broker, start)
    broker.produce("items", b"lot-1", b"open", partition=0, timestamp_ms=clock.time_ms())
    instance.step_until_idle()
    broker.produce("bids", b"lot-1", b"bid", partition=0, timestamp_ms=clock.time_ms())
    broker.produce("bids", b"lot-9", b"bid", partition=0, timestamp_ms=clock.time_ms())
    instance.step_until_idle()
    assert broker.values("out") == [b"accepted", b"no auction"]
