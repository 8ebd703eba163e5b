"""At rest an instance asks the broker to hold its fetches longer; records, a rebalance or a rewind
bring the brief waits back at once (tests/benchmarks/bench_idle.py measures what this saves)."""
from kafka.structs import TopicPartition

from streams.runtime.runner import IDLE_FETCH_AFTER_S
from tests.unit.runtime.processors import counting

BUSY, IDLE = 500, 5000


def _instance(broker, start):
    broker.create_topic("in", 1)
    broker.create_topic("out", 1)
    instance = start(counting, fetch_max_wait_ms=BUSY, idle_fetch_max_wait_ms=IDLE)
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
