"""`replay` reads a processor's inputs from the beginning to where they end when it starts, merged in
timestamp order, through the runner's own decode → Record → handle path (`runner.handled`)."""
from __future__ import annotations

from typing import NamedTuple

import pytest
from kafka.errors import KafkaTimeoutError
from kafka.structs import TopicPartition

from streams.runtime.processor import Processor
from streams.runtime.replay import replay
from streams.runtime.runner import Undecodable, handled


class Raw(NamedTuple):
    topic: str
    partition: int
    offset: int
    timestamp: int
    key: bytes | None
    value: bytes | None
    headers: list


class LogConsumer:
    """The part of KafkaConsumer `replay` uses, over in-memory logs; `poll` hands out `per_poll` records a partition."""

    def __init__(self, logs: dict[str, list[list[tuple[int, bytes]]]], per_poll: int = 2) -> None:
        self.logs = {
            TopicPartition(topic, n): [Raw(topic, n, offset, ts, None, value, []) for offset, (ts, value) in enumerate(records)]
            for topic, partitions in logs.items()
            for n, records in enumerate(partitions)
        }
        self.per_poll = per_poll
        self.positions: dict[TopicPartition, int] = {}

    def append(self, tp: TopicPartition, timestamp: int, value: bytes) -> None:
        log = self.logs[tp]
        log.append(Raw(tp.topic, tp.partition, len(log), timestamp, None, value, []))

    def partitions_for_topic(self, topic):
        return {tp.partition for tp in self.logs if tp.topic == topic} or None

    def assign(self, partitions):
        self.positions = {tp: 0 for tp in partitions}

    def beginning_offsets(self, partitions):
        return {tp: 0 for tp in partitions}

    def end_offsets(self, partitions):
        return {tp: len(self.logs[tp]) for tp in partitions}

    def seek_to_beginning(self, *partitions):
        for tp in partitions:
            self.positions[tp] = 0

    def position(self, tp):
        return self.positions[tp]

    def poll(self, timeout_ms=0):
        out = {}
        for tp, position in self.positions.items():
            records = self.logs[tp][position : position + self.per_poll]
            if records:
                out[tp] = records
                self.positions[tp] = position + len(records)
        return out


def _decode(headers, key, value: bytes) -> str:
    if value == b"garbage":
        raise ValueError("not an event")
    return value.decode()


def _handle(record, ctx):
    if record.value == "poison":
        raise RuntimeError("the handler fails on this one")
    if record.value == "away":
        raise KafkaTimeoutError("a server is away")
    return [(ctx.partition, record.topic, record.value)]


def _processor(**changes) -> Processor:
    return Processor(name="p", inputs=("items", "bids"), handle=_handle, decode=_decode, **changes)


def test_inputs_are_merged_in_timestamp_order_listings_first_and_read_to_their_ends_at_the_start():
    consumer = LogConsumer({
        "items": [[(10, b"listed a"), (30, b"listed b")], [(5, b"listed c")]],
        "bids": [[(10, b"bid a"), (20, b"bid a2"), (40, b"bid b")], [(6, b"bid c")]],
    })
    batches, reports = [], []

    def apply(results, offsets):
        batches.append((list(results), dict(offsets)))
        consumer.append(TopicPartition("bids", 0), 50, b"too late")  # arrives while the replay runs

    replayed = replay(_processor(), consumer, apply, progress=lambda done, total: reports.append((done, total)), batch=3)

    results = [result for batch, _ in batches for result in batch]
    assert [value for partition, _, value in results if partition == 0] == ["listed a", "bid a", "bid a2", "listed b", "bid b"]
    assert [value for partition, _, value in results if partition == 1] == ["listed c", "bid c"]
    assert all(len(batch) <= 3 for batch, _ in batches)
    last = {}
    for _, offsets in batches:
        last.update(offsets)
    assert last == {TopicPartition("items", 0): 2, TopicPartition("items", 1): 1, TopicPartition("bids", 0): 3, TopicPartition("bids", 1): 1}
    assert (replayed.records, replayed.skipped) == (7, 0)
    assert reports[0] == (0, 7) and reports[-1] == (7, 7)
    assert [done for done, _ in reports] == sorted(done for done, _ in reports)


def test_records_the_runner_would_dead_letter_are_skipped_and_counted():
    consumer = LogConsumer({"items": [[(1, b"listed"), (2, b"garbage")]], "bids": [[(3, b"poison"), (4, b"bid")]]})
    applied = []

    replayed = replay(_processor(), consumer, lambda results, offsets: applied.extend(results))

    assert [value for _, _, value in applied] == ["listed", "bid"]
    assert (replayed.records, replayed.skipped) == (4, 2)


def test_an_error_that_may_go_away_stops_the_replay_instead_of_skipping_the_record():
    consumer = LogConsumer({"items": [[(1, b"listed")]], "bids": [[(2, b"away")]]})

    with pytest.raises(KafkaTimeoutError):
        replay(_processor(), consumer, lambda results, offsets: None)


def test_processors_with_timers_are_refused():
    with pytest.raises(ValueError, match="timers"):
        replay(_processor(on_timer=lambda timer, ctx: ()), LogConsumer({"items": [[]], "bids": [[]]}), lambda r, o: None)


def test_the_shared_path_tells_a_refused_decode_from_a_failed_handler():
    processor = _processor()
    garbage = Raw("items", 0, 0, 1, None, b"garbage", [])
    with pytest.raises(Undecodable) as refused:
        handled(processor, garbage, lambda handler: handler(None))
    assert isinstance(refused.value.error, ValueError)
    calls = []
    assert handled(processor, Raw("items", 0, 1, 1, None, b"x", []), lambda handler: calls.append(handler) or ["done"]) == ["done"]
    assert len(calls) == 1


def test_the_retry_topics_replays_are_replayed_too_as_first_read():
    from streams.runtime.redelivery import redelivery

    consumer = LogConsumer({"items": [[(1, b"listed")]], "bids": [[(2, b"bid")]], "p.retry": [[]]})
    again = redelivery("p.retry", topic="bids", partition=0, offset=7, timestamp_ms=2, key=None, value=b"replayed", headers=[])
    consumer.logs[TopicPartition("p.retry", 0)].append(Raw("p.retry", 0, 0, 50, None, again.value, again.headers))
    applied, offsets = [], {}

    def apply(results, batch_offsets):
        applied.extend(results)
        offsets.update(batch_offsets)

    replayed = replay(_processor(), consumer, apply)

    assert sorted(applied) == [(0, "bids", "bid"), (0, "bids", "replayed"), (0, "items", "listed")]
    assert offsets[TopicPartition("p.retry", 0)] == 1
    assert (replayed.records, replayed.skipped) == (3, 0)
