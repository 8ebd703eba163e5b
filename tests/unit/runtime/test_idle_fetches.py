"""At rest an instance asks the broker to hold its fetches longer and polls longer; records, a rebalance
or a rewind bring the brief waits back at once, and a due timer still cuts a poll short
(tests/benchmarks/bench_idle.py measures what this saves)."""
from datetime import datetime, timezone

from kafka.structs import TopicPartition

from streams.runtime import Emit, Processor, Store
from streams.runtime.runner import IDLE_FETCH_AFTER_S
from tests.unit.runtime.processors import counting

BUSY, IDLE = 500, 5000
BUSY_POLL, IDLE_POLL = 500, 2000
TIMER_IN_MS = 1200


def _instance(broker, start):
    broker.create_topic("in", 1)
    broker.create_topic("out", 1)
    instance = start(counting, fetch_max_wait_ms=BUSY, idle_fetch_max_wait_ms=IDLE,
                     poll_timeout_ms=BUSY_POLL, idle_poll_timeout_ms=IDLE_POLL)
    broker.assign(instance.consumer, [TopicPartition("in", 0)])
    instance.step()
    return instance


def test_fetches_wait_long_only_after_the_inputs_have_been_quiet_for_a_while(broker, clock, start):
    instance = _instance(broker, start)
    clock.advance(IDLE_FETCH_AFTER_S - 1)
    instance.step()
    assert instance.clients.fetch_waits == []  # busy until now: the consumer's own setting stands

    clock.advance(1)
    instance.step(3)
    assert instance.clients.fetch_waits == [IDLE]  # told once, not on every step

    broker.produce("in", b"x", b"")
    instance.step_until_idle()
    clock.advance(IDLE_FETCH_AFTER_S / 2)
    instance.step()
    assert instance.clients.fetch_waits == [IDLE, BUSY]  # the first records end the idle spell
    assert [record.value for record in broker.records("out")] == [b"x=1"]


def test_a_rebalance_counts_as_busy(broker, clock, start):
    instance = _instance(broker, start)
    clock.advance(IDLE_FETCH_AFTER_S)
    instance.step()
    broker.assign(instance.consumer, [])  # partitions move: seeks follow, which must not wait behind a held fetch
    instance.step(2)
    assert instance.clients.fetch_waits == [IDLE, BUSY]


def _recording_polls(instance) -> list[int]:
    """The timeout of every poll the runner makes from now on."""
    timeouts, poll = [], instance.consumer.poll

    def recorded(timeout_ms=0, max_records=None):
        timeouts.append(timeout_ms)
        return poll(timeout_ms=timeout_ms, max_records=max_records)

    instance.consumer.poll = recorded
    return timeouts


def test_polls_wait_long_only_at_rest_and_records_end_that(broker, clock, start):
    instance = _instance(broker, start)
    polls = _recording_polls(instance)
    clock.advance(IDLE_FETCH_AFTER_S - 1)
    instance.step()
    clock.advance(1)
    instance.step(2)
    assert polls == [BUSY_POLL, IDLE_POLL, IDLE_POLL]

    broker.produce("in", b"x", b"")
    instance.step_until_idle()
    assert polls[-1] == BUSY_POLL  # records came: busy again at once
    assert [record.value for record in broker.records("out")] == [b"x=1"]


def _remind(record, context):
    """Schedules a reminder TIMER_IN_MS after each record (by its timestamp)."""
    context.schedule(record.key.decode(), datetime.fromtimestamp((record.timestamp_ms + TIMER_IN_MS) / 1000, timezone.utc))
    return []


reminding = Processor(name="reminding", inputs=["in"], outputs=["out"], handle=_remind,
                      on_timer=lambda timer, context: [Emit("out", timer.key, b"due")], stores=[Store("s")])


def test_a_timer_due_sooner_cuts_an_idle_poll_short(broker, clock, start):
    broker.create_topic("in", 1)
    broker.create_topic("out", 1)
    instance = start(reminding, poll_timeout_ms=BUSY_POLL, idle_poll_timeout_ms=IDLE_POLL)
    broker.assign(instance.consumer, [TopicPartition("in", 0)])
    # a record whose reminder falls TIMER_IN_MS after the quiet spell that follows it
    broker.produce("in", b"k", b"", timestamp_ms=clock.time_ms() + int(IDLE_FETCH_AFTER_S * 1000))
    instance.step_until_idle()
    clock.advance(IDLE_FETCH_AFTER_S)
    polls = _recording_polls(instance)
    instance.step()
    assert polls == [TIMER_IN_MS]
    clock.advance(TIMER_IN_MS / 1000)
    instance.step()
    assert broker.values("out") == [b"due"]
