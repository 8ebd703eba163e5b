"""Processor declarations are checked up front, and the context handlers get behaves as documented."""
from datetime import datetime, timedelta, timezone

import pytest

from streams.runtime import Context, Processor, Store
from streams.runtime.config import RuntimeConfig
from streams.runtime.deadletter import record_dead_letter, timer_dead_letter
from streams.runtime.tasks import TaskState
from streams.runtime.timers import TIMERS_STORE, Timer


def handle(record, context):
    return None


class FileSink:
    def load_offsets(self, partitions):
        return {}

    def commit(self, results, offsets, expected=None):
        pass


def test_a_processor_needs_inputs_and_a_topic_safe_name():
    with pytest.raises(ValueError, match="no inputs"):
        Processor(name="p", inputs=[], handle=handle)
    with pytest.raises(ValueError, match="topic names"):
        Processor(name="has space", inputs=["t"], handle=handle)


def test_store_names_are_unique_and_timers_is_reserved():
    with pytest.raises(ValueError, match="unique"):
        Processor(name="p", inputs=["t"], handle=handle, stores=[Store("a"), Store("a")])
    with pytest.raises(ValueError, match="unique"):
        Processor(name="p", inputs=["t"], handle=handle, stores=[Store(TIMERS_STORE)])


def test_a_sink_processor_cannot_have_kafka_state_or_outputs():
    with pytest.raises(ValueError, match="sink"):
        Processor(name="p", inputs=["t"], handle=handle, sink=FileSink(), stores=[Store("a")])
    with pytest.raises(ValueError, match="sink"):
        Processor(name="p", inputs=["t"], handle=handle, sink=FileSink(), outputs=["o"])


def test_timers_get_their_own_changelogged_store():
    with_timers = Processor(name="p", inputs=["t"], handle=handle, stores=[Store("a")], on_timer=handle)
    assert [store.name for store in with_timers.state_stores] == ["a", TIMERS_STORE]
    assert [store.name for store in Processor(name="p", inputs=["t"], handle=handle).state_stores] == []


def test_context_reads_the_partition_state_and_schedules_on_the_processor_clock():
    context = Context("p", clock=lambda: 1_000.0)
    task = TaskState(4, ["items", TIMERS_STORE])
    context.bind(task)
    assert context.partition == 4
    assert context.now() == datetime.fromtimestamp(1_000, tz=timezone.utc)
    context.state("items").set("x", 1)
    assert task.stores["items"].get("x") == 1
    context.schedule("x", context.now() + timedelta(seconds=2), {"why": "close"})
    assert task.timers.pop_due(1_002_000) == Timer("x", 1_002_000, {"why": "close"})
    with pytest.raises(KeyError, match="no store 'bids'"):
        context.state("bids")


def test_scheduling_without_on_timer_is_an_error():
    context = Context("p", clock=lambda: 0.0).bind(TaskState(0, ["items"]))
    with pytest.raises(RuntimeError, match="on_timer"):
        context.schedule("x", datetime.now(timezone.utc))


def test_a_dead_letter_keeps_the_record_and_says_where_it_came_from_and_why():
    emit = record_dead_letter(
        "auction.dead-letter",
        "bidding",
        topic="auction.bids",
        partition=3,
        offset=42,
        key=b"item-1",
        value=b"{not json",
        headers=[("ce_id", b"e-1")],
        error=ValueError("bad JSON"),
    )
    assert (emit.topic, emit.key, emit.value) == ("auction.dead-letter", b"item-1", b"{not json")
    assert list(emit.headers) == [
        ("ce_id", b"e-1"),
        ("dlq.topic", b"auction.bids"),
        ("dlq.partition", b"3"),
        ("dlq.offset", b"42"),
        ("dlq.processor", b"bidding"),
        ("dlq.error", b"bad JSON"),
        ("dlq.error_type", b"ValueError"),
    ]


def test_a_failed_timer_is_dead_lettered_with_what_is_needed_to_reschedule_it():
    emit = timer_dead_letter("dlq", "bidding", 2, Timer("item-1", 5_000, {"n": 1}), KeyError("x"))
    headers = dict(emit.headers)
    assert emit.key == "item-1" and emit.value == b'{"at_ms": 5000, "payload": {"n": 1}}'
    assert headers["dlq.timer"] == b"1" and headers["dlq.partition"] == b"2" and headers["dlq.error_type"] == b"KeyError"


def test_config_reads_the_environment_and_options_win():
    env = {
        "KAFKA_BOOTSTRAP_SERVERS": "k:1",
        "STREAMS_INSTANCE_ID": "bidding-0",
        "STREAMS_MAX_BATCH": "10",
        "STREAMS_METRICS_PORT": "9000",
        "STREAMS_STATIC_MEMBERSHIP": "true",
    }
    config = RuntimeConfig.from_env(env, metrics_port=9400, instance_id=None)  # None: not given on the command line
    assert (config.bootstrap_servers, config.instance_id) == ("k:1", "bidding-0")
    assert (config.max_batch, config.metrics_port) == (10, 9400)
    assert config.static_membership is True
