"""Timers fire in stream time: never before every record stamped earlier has been handled.

The processor is a small auction: `open <end>` schedules the close, a bid within the last
second moves the close a second past the bid (soft close), and the close is the timer. Its
records are stamped an hour before the fake wall clock, as for a processor that is behind, so
every close is long due by the wall clock.
"""
from datetime import datetime, timezone

import pytest
from kafka.structs import TopicPartition

from streams.runtime import Emit, Processor, Store
from tests.unit.runtime.fakebroker import MockedClock

T0 = MockedClock().time_ms() - 3_600_000
SOFT_CLOSE_MS = 1000
P0 = TopicPartition("in", 0)


def at(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc)


def handle(record, context):
    ends = context.state("ends")
    key, stamp = record.key.decode(), record.timestamp_ms - T0
    kind, _, argument = record.value.decode().partition(" ")
    if kind == "open":
        ends.set(key, int(argument))
        context.schedule(key, at(T0 + int(argument)))
        return []
    end = ends.get(key)
    if end is None:
        return [Emit("out", key, f"late bid@{stamp}".encode())]
    if end - stamp < SOFT_CLOSE_MS:
        ends.set(key, stamp + SOFT_CLOSE_MS)
        context.schedule(key, at(T0 + stamp + SOFT_CLOSE_MS))
    return [Emit("out", key, f"bid@{stamp}".encode())]


def close(timer, context):
    context.state("ends").delete(timer.key)
    return [Emit("out", timer.key, f"closed@{timer.at_ms - T0}".encode())]


auction = Processor(name="auction", inputs=["in"], outputs=["out"], handle=handle, on_timer=close, stores=[Store("ends")])


@pytest.fixture(autouse=True)
def topics(broker):
    broker.create_topic("in", 1)
    broker.create_topic("out", 1)


def produce(broker, *records: tuple[int, str]) -> None:
    for stamp, value in records:
        broker.produce("in", b"item", value.encode(), partition=0, timestamp_ms=T0 + stamp)


def started(broker, start, **settings):
    instance = start(auction, **settings)
    broker.assign(instance.consumer, [P0])
    return instance


def out(broker) -> list[str]:
    return [value.decode() for value in broker.values("out")]


def test_a_due_timer_waits_for_unread_records_stamped_before_it(broker, start):
    produce(broker, (0, "open 5000"), (1000, "bid"), (2000, "bid"), (3000, "bid"))
    instance = started(broker, start, max_batch=1)  # one record a step: the rest stays unread on the broker

    instance.step(3)
    assert out(broker) == ["bid@1000", "bid@2000"]  # the close is an hour overdue, but a bid stamped earlier is unread
    instance.step()
    assert out(broker) == ["bid@1000", "bid@2000", "bid@3000", "closed@5000"]  # read to the end: it fires
    instance.step_until_idle()
    assert out(broker).count("closed@5000") == 1


def test_records_stamped_after_a_timer_are_handled_after_it_fires(broker, start):
    produce(broker, (0, "open 5000"), (4000, "bid"), (6000, "bid"))
    instance = started(broker, start)
    instance.step_until_idle()
    assert out(broker) == ["bid@4000", "closed@5000", "late bid@6000"]


def test_a_soft_close_moves_the_timer_which_fires_once_at_its_new_time(broker, start):
    produce(broker, (0, "open 5000"), (4500, "bid"), (5000, "bid"), (7000, "bid"))
    instance = started(broker, start, max_batch=1)
    instance.step(3)
    assert out(broker) == ["bid@4500", "bid@5000"]  # not closed at 5000 nor at 5500: the bids moved the end to 6000
    instance.step_until_idle()
    assert out(broker) == ["bid@4500", "bid@5000", "closed@6000", "late bid@7000"]


def test_a_caught_up_task_fires_its_timer_when_the_clock_reaches_it(broker, clock, start):
    now = clock.time_ms() - T0
    produce(broker, (now, f"open {now + 10_000}"))
    instance = started(broker, start)
    instance.step_until_idle()
    clock.advance(9.5)
    instance.step()
    assert out(broker) == []
    clock.advance(1)
    instance.step()
    assert out(broker) == [f"closed@{now + 10_000}"]
    assert clock.sleeps == []


def test_timers_move_with_their_task_and_fire_once_where_it_lands(broker, clock, start):
    now = clock.time_ms() - T0
    produce(broker, (now, f"open {now + 10_000}"))
    a = started(broker, start, instance="a")
    b = start(auction, instance="b")
    a.step_until_idle()
    broker.assign(a.consumer, [])
    a.step()
    broker.assign(b.consumer, [P0])
    b.step()
    clock.advance(11)
    a.step()
    b.step_until_idle()
    assert out(broker) == [f"closed@{now + 10_000}"]  # b restored the timer from the changelog; a forgot it
