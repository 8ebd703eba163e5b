"""An in-memory Kafka and a fake clock, for driving `Runner.step()` without a broker, threads or sleeps.

Modelled on arroyo's `LocalBroker` + `MockedClock`, and kept to the part of kafka-python the
runner calls (`FakeClients` is its `ClientFactory`):

- topics of partitions, each an append-only log of records and transaction markers; a marker
  takes an offset, as in Kafka, so a caught-up position is past it;
- transactional producers, read as `read_committed`: a transaction's records become visible on
  commit and never when aborted, and a partition is read only up to its last stable offset (its
  first record of a transaction still open). Consumed offsets sent with
  `send_offsets_to_transaction` become the group's committed offsets on commit.
  `init_transactions` under a transactional id already in use aborts the previous producer's
  open transaction and fences that producer, as the broker does;
- consumer groups whose assignment the test decides (`FakeBroker.assign`): the member's
  rebalance listener is called during its next poll, the cooperative way (revoked, then added
  partitions, each only when there are some); `request_rejoin` is counted for the test to see;
- consumers: `poll` (never waits), `position`, `highwater` (known once the partition was
  fetched), `end_offsets` (last stable offset), `high_watermarks` (the log's end), `seek`, `seek_to_beginning`, `pause`,
  `resume`, `committed`, manual `assign` for the restore consumer. Pausing a partition whose
  fetch the last poll cut short parks it, as kafka-python 3.0.12 does: it is not fetched again,
  even once resumed, until a seek (the runner's `clients.GroupConsumer` drops parked records on
  seek, as the Java client does);
- an admin client: `list_topics`, `describe_topics`, `create_topics`, `describe_groups`;
- scripted failures: `fail_next(operation, error)` raises from the next call of a client
  operation (before it takes effect, or after with `after=True`: a commit whose reply was lost);
  `reject(predicate, error)` fails every commit of a transaction holding a matching record;
  `late_markers` holds back the commit markers of some partitions (`land_markers` writes them),
  as a broker writes a transaction's markers to each partition separately.

Everything runs under one lock, since the runner makes its transactional calls from a worker
thread (`transactions._Deadline`) and closes abandoned producers from another.
"""
from __future__ import annotations

import functools
import itertools
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, NamedTuple

from kafka.errors import (
    IllegalStateError,
    KafkaError,
    ProducerFencedError,
    TopicAlreadyExistsError,
)
from kafka.partitioner.default import murmur2
from kafka.structs import OffsetAndMetadata, TopicPartition

from streams.runtime.config import RuntimeConfig


FRUITLESS_POLLS = 1000
"""A manually assigned consumer (restoring) polling this often in a row for nothing waits on an open
transaction that nothing in a single-threaded test will ever end: the test fails rather than hangs."""


class MockedClock:
    """Wall-clock and monotonic time that move only when told to; `sleep` records the pause and moves them."""

    def __init__(self, epoch_s: float = 1_700_000_000.0) -> None:
        self._wall = epoch_s
        self._monotonic = 1_000.0
        self.sleeps: list[float] = []

    def time(self) -> float:
        return self._wall

    def time_ms(self) -> int:
        return int(self._wall * 1000)

    def monotonic(self) -> float:
        return self._monotonic

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.advance(seconds)

    def advance(self, seconds: float) -> None:
        self._wall += seconds
        self._monotonic += seconds


class FakeRecord(NamedTuple):
    """What a consumer's poll hands over (the fields of kafka-python's ConsumerRecord the runner reads)."""

    topic: str
    partition: int
    offset: int
    timestamp: int
    key: bytes | None
    value: bytes | None
    headers: list[tuple[str, bytes]]


@dataclass(eq=False)
class _Transaction:
    producer: FakeProducer
    state: str = "open"  # open, committed, aborted
    records: list[FakeRecord] = field(default_factory=list)
    offsets: dict[str, dict[TopicPartition, int]] = field(default_factory=dict)
    unmarked: set[TopicPartition] = field(default_factory=set)
    """Partitions of an ended transaction whose marker has not landed yet (`FakeBroker.late_markers`)."""


@dataclass(eq=False)
class _Entry:
    record: FakeRecord
    transaction: _Transaction | None = None
    marker: bool = False

    def visible(self) -> bool:
        """Handed to a read_committed consumer (markers and aborted records never are)."""
        return not self.marker and (self.transaction is None or self.transaction.state == "committed" and not self._unmarked())

    def pending(self) -> bool:
        return self.transaction is not None and (self.transaction.state == "open" or self._unmarked())

    def _unmarked(self) -> bool:
        return TopicPartition(self.record.topic, self.record.partition) in self.transaction.unmarked


@dataclass
class _Fault:
    operation: str
    error: BaseException
    after: bool


class _Group:
    def __init__(self, name: str) -> None:
        self.name = name
        self.members: list[FakeConsumer] = []
        self.owners: dict[TopicPartition, FakeConsumer] = {}
        self.committed: dict[TopicPartition, int] = {}
        self.generation = 0


def _locked(method: Callable) -> Callable:
    @functools.wraps(method)
    def call(self, *args, **kwargs):
        with self._broker.lock:
            return method(self, *args, **kwargs)

    return call


class FakeBroker:
    def __init__(self, clock: MockedClock) -> None:
        self.clock = clock
        self.lock = threading.RLock()
        self._broker = self  # for @_locked
        self._logs: dict[str, list[list[_Entry]]] = {}
        self.topic_configs: dict[str, dict[str, str]] = {}
        self._groups: dict[str, _Group] = {}
        self._transactional: dict[str, FakeProducer] = {}
        self._faults: list[_Fault] = []
        self._rejections: list[tuple[Callable[[FakeRecord], bool], BaseException]] = []
        self._member_ids = itertools.count(1)
        self.leaderless: set[TopicPartition] = set()
        """Partitions whose leader is lost: fetches from them fail (consumers keep their last high watermark), while
        metadata requests such as end offsets already reach the new leader."""
        self.late_markers: set[TopicPartition] = set()
        """Partitions a transaction's marker reaches late: it lands only with `land_markers`. Until then the
        transaction's records there stay pending, and a fetch with nothing readable there is held by the
        broker (a long poll), so consumers keep their last high watermark of it."""
        self._unmarked: list[_Transaction] = []

    # -- what tests set up and look at ---------------------------------------------------------

    @_locked
    def create_topic(self, name: str, partitions: int, configs: dict[str, str] | None = None) -> None:
        if name in self._logs:
            raise TopicAlreadyExistsError(name)
        self._logs[name] = [[] for _ in range(partitions)]
        self.topic_configs[name] = dict(configs or {})

    def partitions(self, topic: str) -> int:
        return len(self._logs[topic])

    @_locked
    def produce(
        self,
        topic: str,
        key: bytes | None,
        value: bytes | None,
        *,
        partition: int | None = None,
        timestamp_ms: int | None = None,
        headers: Iterable[tuple[str, bytes]] = (),
    ) -> FakeRecord:
        """A plain (non-transactional, acks=all) write: readable at once."""
        return self._append(topic, key, value, partition, timestamp_ms, list(headers), None)

    @_locked
    def records(self, topic: str, partition: int | None = None) -> list[FakeRecord]:
        """The topic's records as a read_committed reader sees them (committed, not aborted), by partition and offset."""
        numbers = range(self.partitions(topic)) if partition is None else [partition]
        return [entry.record for number in numbers for entry in self._logs[topic][number] if entry.visible()]

    def values(self, topic: str, partition: int | None = None) -> list[bytes | None]:
        return [record.value for record in self.records(topic, partition)]

    @_locked
    def log_end(self, tp: TopicPartition) -> int:
        """The high watermark: the offset the next write gets (markers and open transactions included)."""
        return len(self._logs[tp.topic][tp.partition])

    @_locked
    def land_markers(self, tp: TopicPartition) -> None:
        """Write the markers held back for `tp` (`late_markers`), and stop holding them."""
        self.late_markers.discard(tp)
        for transaction in [t for t in self._unmarked if tp in t.unmarked]:
            transaction.unmarked.discard(tp)
            self._mark(transaction, tp)
        self._unmarked = [t for t in self._unmarked if t.unmarked]

    @_locked
    def last_stable(self, tp: TopicPartition) -> int:
        """Where a read_committed reader stops: the first record of a transaction still open, else the end."""
        log = self._logs[tp.topic][tp.partition]
        return next((offset for offset, entry in enumerate(log) if entry.pending()), len(log))

    @_locked
    def committed(self, group: str, tp: TopicPartition) -> int | None:
        return self._group(group).committed.get(tp)

    @_locked
    def assign(self, consumer: FakeConsumer, partitions: Iterable[TopicPartition]) -> None:
        """Give a group member this assignment; its listener hears of the change during its next poll."""
        group = self._group(consumer.group_id)
        wanted = set(partitions)
        for tp in wanted:
            owner = group.owners.get(tp)
            if owner is not None and owner is not consumer:
                raise AssertionError(f"{tp} still belongs to another member: revoke it there first")
            if tp.topic not in consumer.subscription:
                raise AssertionError(f"{consumer.client_id} is not subscribed to {tp.topic}")
        for tp in [tp for tp, owner in group.owners.items() if owner is consumer and tp not in wanted]:
            del group.owners[tp]
        for tp in wanted:
            group.owners[tp] = consumer
        group.generation += 1
        consumer._pending_assignment = frozenset(wanted)

    def fail_next(self, operation: str, error: BaseException, *, times: int = 1, after: bool = False) -> None:
        """The next `times` calls of a client operation (e.g. "commit_transaction") raise `error`.

        `after=True`: the operation takes effect first (a commit whose reply was lost)."""
        with self.lock:
            self._faults.extend(_Fault(operation, error, after) for _ in range(times))

    def reject(self, predicate: Callable[[FakeRecord], bool], error: BaseException) -> None:
        """Every commit of a transaction holding a record that matches fails with `error` (a record the broker refuses)."""
        with self.lock:
            self._rejections.append((predicate, error))

    def pending_faults(self) -> int:
        return len(self._faults)

    # -- what the fake clients use -------------------------------------------------------------

    def _group(self, name: str) -> _Group:
        if name not in self._groups:
            self._groups[name] = _Group(name)
        return self._groups[name]

    def _log(self, tp: TopicPartition) -> list[_Entry]:
        try:
            return self._logs[tp.topic][tp.partition]
        except (KeyError, IndexError):
            raise KafkaError(f"unknown topic partition {tp}") from None

    def _check(self, operation: str, after: bool = False) -> None:
        for fault in self._faults:
            if fault.operation == operation and fault.after == after:
                self._faults.remove(fault)
                raise fault.error

    def _append(self, topic, key, value, partition, timestamp_ms, headers, transaction) -> FakeRecord:
        if topic not in self._logs:
            raise KafkaError(f"unknown topic {topic}")
        if partition is None:  # kafka-python's default partitioner for keyed records
            partition = (murmur2(key) & 0x7FFFFFFF) % self.partitions(topic) if key is not None else 0
        log = self._log(TopicPartition(topic, partition))
        timestamp = self.clock.time_ms() if timestamp_ms is None else timestamp_ms
        record = FakeRecord(topic, partition, len(log), timestamp, key, value, headers)
        log.append(_Entry(record, transaction))
        return record

    def _end_transaction(self, transaction: _Transaction, state: str) -> None:
        transaction.state = state
        for tp in {TopicPartition(record.topic, record.partition) for record in transaction.records}:
            if tp in self.late_markers:
                transaction.unmarked.add(tp)
            else:
                self._mark(transaction, tp)
        if transaction.unmarked:
            self._unmarked.append(transaction)
        if state == "committed":
            for group, offsets in transaction.offsets.items():
                self._group(group).committed.update(offsets)

    def _mark(self, transaction: _Transaction, tp: TopicPartition) -> None:
        log = self._log(tp)
        log.append(_Entry(FakeRecord(tp.topic, tp.partition, len(log), self.clock.time_ms(), None, None, []), transaction, marker=True))

    def _members(self, group: str) -> list[FakeConsumer]:
        return [member for member in self._group(group).members if not member.closed]


class _Coordinator:
    """The one private kafka-python call the runner makes (`consumer._coordinator.request_rejoin()`)."""

    def __init__(self, consumer: FakeConsumer) -> None:
        self._consumer = consumer

    def request_rejoin(self) -> None:
        self._consumer.rejoin_requests += 1


class FakeConsumer:
    def __init__(self, broker: FakeBroker, *, client_id: str, group_id: str | None = None, max_poll_records: int = 500):
        self._broker = broker
        self.client_id = client_id
        self.group_id = group_id
        self.member_id = f"{client_id}-{next(broker._member_ids)}"
        self.max_poll_records = max_poll_records
        self.subscription: tuple[str, ...] = ()
        self.listener = None
        self.assignment: frozenset[TopicPartition] = frozenset()
        self._pending_assignment: frozenset[TopicPartition] | None = None
        self._positions: dict[TopicPartition, int | None] = {}
        self._fetched: dict[TopicPartition, int] = {}  # high watermark as of the partition's last fetch
        self._paused: set[TopicPartition] = set()
        self._inline: TopicPartition | None = None
        """The partition whose fetch the last poll cut short (kafka-python holds the rest "in line")."""
        self._parked: set[TopicPartition] = set()
        """Partitions paused while in line: never fetched again until a seek (see the module's docstring)."""
        self.parks = 0
        self.offset_questions = 0
        """How often `end_offsets` or `high_watermarks` asked the broker."""
        self.rejoin_requests = 0
        self.polls = 0
        self._fruitless_polls = 0
        self.closed = False
        self._coordinator = _Coordinator(self)

    # -- membership ----------------------------------------------------------------------------

    @_locked
    def subscribe(self, topics: Iterable[str], listener=None) -> None:
        if self.group_id is None:
            raise IllegalStateError("subscribing needs a group_id")
        self.subscription, self.listener = tuple(topics), listener
        self._broker._group(self.group_id).members.append(self)

    @_locked
    def assign(self, partitions: Iterable[TopicPartition]) -> None:
        """Manual assignment (the restore consumer): positions start unknown."""
        self.assignment = frozenset(partitions)
        self._positions = dict.fromkeys(self.assignment)
        self._fetched.clear()
        self._paused.clear()
        self._parked.clear()

    @_locked
    def unsubscribe(self) -> None:
        self.assign(())

    @_locked
    def partitions_for_topic(self, topic: str) -> set[int] | None:
        logs = self._broker._logs.get(topic)
        return None if logs is None else set(range(len(logs)))

    def group_metadata(self) -> tuple[str | None, int, str]:
        generation = self._broker._group(self.group_id).generation if self.group_id else -1
        return (self.group_id, generation, self.member_id)

    # -- fetching ------------------------------------------------------------------------------

    @_locked
    def poll(self, timeout_ms: int = 0, max_records: int | None = None) -> dict[TopicPartition, list[FakeRecord]]:
        """Rebalance callbacks first (as kafka-python runs them inside poll), then what is readable now."""
        self._ensure_open()
        self.polls += 1
        self._broker._check("poll")
        self._rebalance()
        room = max_records or self.max_poll_records
        fetched: dict[TopicPartition, list[FakeRecord]] = {}
        moved = False
        self._inline = None
        for tp in sorted(self.assignment):
            if tp in self._paused or tp in self._parked or tp in self._broker.leaderless:
                continue
            position = self.position(tp)
            log, stable = self._broker._log(tp), self._broker.last_stable(tp)
            if position >= stable and tp in self._broker.late_markers:
                continue  # held by the broker for want of readable records: no news of its high watermark
            self._fetched[tp] = self._broker.log_end(tp)
            while position < stable and room:
                entry = log[position]
                position += 1
                if entry.visible():
                    fetched.setdefault(tp, []).append(entry.record)
                    room -= 1
            while position < stable and not log[position].visible():  # markers and aborted records are skipped
                position += 1
            if not room and tp in fetched and position < stable:  # cut short: the rest waits in line
                self._inline = tp
            moved = moved or position != self._positions[tp]
            self._positions[tp] = position
        self._fruitless_polls = 0 if moved or fetched else self._fruitless_polls + 1
        if self._fruitless_polls > FRUITLESS_POLLS and self.group_id is None:
            raise AssertionError(f"{self.client_id} would wait forever: a transaction stays open on {sorted(self.assignment)}")
        return fetched

    def _rebalance(self) -> None:
        wanted = self._pending_assignment
        if wanted is None:
            return
        self._pending_assignment = None
        revoked, added = self.assignment - wanted, wanted - self.assignment
        self.assignment = wanted
        for tp in revoked:
            self._positions.pop(tp, None)
            self._fetched.pop(tp, None)
            self._paused.discard(tp)
            self._parked.discard(tp)
        for tp in added:
            self._positions[tp] = None
        if self.listener is not None:
            if revoked:
                self.listener.on_partitions_revoked(set(revoked))
            if added:
                self.listener.on_partitions_assigned(set(added))

    # -- positions and offsets -----------------------------------------------------------------

    def _assigned(self, tp: TopicPartition) -> None:
        if not isinstance(tp, TopicPartition):
            raise TypeError("partition must be a TopicPartition")
        if tp not in self.assignment:
            raise IllegalStateError(f"{tp} is not assigned to {self.client_id}")

    @_locked
    def position(self, tp: TopicPartition) -> int:
        """The next offset to fetch; an unknown one is reset first (committed offset, else the beginning)."""
        self._assigned(tp)
        if self._positions.get(tp) is None:
            committed = self._broker.committed(self.group_id, tp) if self.group_id else None
            self._positions[tp] = 0 if committed is None else committed
        return self._positions[tp]

    @_locked
    def highwater(self, tp: TopicPartition) -> int | None:
        """Known from fetch responses only: as of the partition's last fetch."""
        self._assigned(tp)
        return self._fetched.get(tp)

    @_locked
    def end_offsets(self, partitions: Iterable[TopicPartition], timeout_ms: int | None = None) -> dict[TopicPartition, int]:
        """As a read_committed consumer asks for them: the last stable offsets."""
        self._broker._check("end_offsets")
        self.offset_questions += 1
        return {tp: self._broker.last_stable(tp) for tp in partitions}

    @_locked
    def high_watermarks(self, partitions: Iterable[TopicPartition], timeout_ms: int | None = None) -> dict[TopicPartition, int]:
        """The ends of the logs, open transactions and markers included (`clients.GroupConsumer.high_watermarks`)."""
        self._broker._check("end_offsets")
        self.offset_questions += 1
        return {tp: self._broker.log_end(tp) for tp in partitions}

    @_locked
    def seek(self, tp: TopicPartition, offset: int) -> None:
        self._assigned(tp)
        self._positions[tp] = offset
        self._parked.discard(tp)

    @_locked
    def seek_to_beginning(self, *partitions: TopicPartition) -> None:
        for tp in partitions or self.assignment:
            self.seek(tp, 0)

    @_locked
    def pause(self, *partitions: TopicPartition) -> None:
        for tp in partitions:
            self._assigned(tp)
            self._paused.add(tp)
            if tp == self._inline:
                self._parked.add(tp)
                self.parks += 1

    def stall(self, tp: TopicPartition) -> None:
        """The client stops fetching `tp` until a seek, for whatever reason (as it does for a parked partition)."""
        self._parked.add(tp)

    @_locked
    def resume(self, *partitions: TopicPartition) -> None:
        for tp in partitions:
            self._paused.discard(tp)

    def paused(self) -> set[TopicPartition]:
        return set(self._paused)

    @_locked
    def committed(self, tp: TopicPartition) -> int | None:
        self._broker._check("committed")
        return self._broker.committed(self.group_id, tp)

    @_locked
    def close(self) -> None:
        if not self.closed and self.group_id is not None:
            group = self._broker._group(self.group_id)
            for tp in [tp for tp, owner in group.owners.items() if owner is self]:
                del group.owners[tp]
        self.closed = True

    def _ensure_open(self) -> None:
        if self.closed:
            raise IllegalStateError("consumer is closed")


class _Sent:
    """The future kafka-python's send returns, already resolved."""

    def __init__(self, record: FakeRecord) -> None:
        self.record = record

    def get(self, timeout: float | None = None) -> FakeRecord:
        return self.record


class FakeProducer:
    def __init__(self, broker: FakeBroker, *, client_id: str, transactional_id: str | None = None) -> None:
        self._broker = broker
        self.client_id = client_id
        self.transactional_id = transactional_id
        self._initialized = False
        self._transaction: _Transaction | None = None
        self.fenced = False
        self.closed = False
        self.committed_transactions = 0
        self.aborted_transactions = 0

    def _operation(self, name: str) -> None:
        if self.fenced:
            raise ProducerFencedError(f"{self.transactional_id} was taken over by a newer producer")
        if self.closed:
            raise IllegalStateError("producer is closed")
        self._broker._check(name)

    def _in_transaction(self) -> _Transaction:
        if self._transaction is None:
            raise IllegalStateError("no transaction is open")
        return self._transaction

    @_locked
    def init_transactions(self) -> None:
        self._operation("init_transactions")
        previous = self._broker._transactional.get(self.transactional_id)
        if previous is not None and previous is not self:
            if previous._transaction is not None and previous._transaction.state == "open":
                self._broker._end_transaction(previous._transaction, "aborted")
                previous._transaction = None
            previous.fenced = True
        self._broker._transactional[self.transactional_id] = self
        self._initialized = True
        self._broker._check("init_transactions", after=True)

    @_locked
    def begin_transaction(self) -> None:
        self._operation("begin_transaction")
        if not self._initialized:
            raise IllegalStateError("init_transactions first")
        if self._transaction is not None:
            raise IllegalStateError("a transaction is already open")
        self._transaction = _Transaction(self)

    @_locked
    def send(self, topic, value=None, key=None, headers=None, partition=None, timestamp_ms=None) -> _Sent:
        self._operation("send")
        transaction = None
        if self.transactional_id is not None:
            transaction = self._in_transaction()
        record = self._broker._append(topic, key, value, partition, timestamp_ms, list(headers or []), transaction)
        if transaction is not None:
            transaction.records.append(record)
        return _Sent(record)

    @_locked
    def send_offsets_to_transaction(self, offsets: dict[TopicPartition, OffsetAndMetadata], group_metadata) -> None:
        self._operation("send_offsets_to_transaction")
        group = group_metadata[0]
        self._in_transaction().offsets.setdefault(group, {}).update({tp: meta.offset for tp, meta in offsets.items()})

    @_locked
    def commit_transaction(self) -> None:
        self._operation("commit_transaction")
        transaction = self._in_transaction()
        for predicate, error in self._broker._rejections:
            if any(predicate(record) for record in transaction.records):
                raise error  # the transaction stays open, to be aborted
        self._broker._end_transaction(transaction, "committed")
        self._transaction = None
        self.committed_transactions += 1
        self._broker._check("commit_transaction", after=True)

    @_locked
    def abort_transaction(self) -> None:
        self._operation("abort_transaction")
        self._broker._end_transaction(self._in_transaction(), "aborted")
        self._transaction = None
        self.aborted_transactions += 1

    def flush(self, timeout: float | None = None) -> None:
        self._operation("flush")

    @_locked
    def close(self, timeout: float | None = None) -> None:
        self.closed = True


class FakeAdmin:
    def __init__(self, broker: FakeBroker, *, client_id: str) -> None:
        self._broker = broker
        self.client_id = client_id
        self.closed = False

    @_locked
    def list_topics(self) -> list[str]:
        self._broker._check("list_topics")
        return sorted(self._broker._logs)

    @_locked
    def describe_topics(self, topics: Iterable[str]) -> list[dict[str, Any]]:
        self._broker._check("describe_topics")
        described = []
        for name in topics:
            logs = self._broker._logs.get(name)
            partitions = [{"partition": number} for number in range(len(logs or ()))]
            described.append({"name": name, "error_code": 0 if logs is not None else 3, "partitions": partitions})
        return described

    @_locked
    def create_topics(self, new_topics: dict[str, dict], wait_for_metadata: bool = False) -> None:
        self._broker._check("create_topics")
        for name, spec in new_topics.items():
            self._broker.create_topic(name, spec["num_partitions"], spec.get("configs"))

    @_locked
    def describe_groups(self, group_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        self._broker._check("describe_groups")
        return {
            group: {"members": [{"member_id": member.member_id, "client_id": member.client_id}
                                for member in self._broker._members(group)]}
            for group in group_ids
        }

    def close(self) -> None:
        self.closed = True


class FakeClients:
    """The runner's `ClientFactory` over a `FakeBroker`; keeps every client it made for the test to look at."""

    def __init__(self, broker: FakeBroker) -> None:
        self.broker = broker
        self.made: defaultdict[str, list] = defaultdict(list)
        self.fetch_waits: list[int] = []

    @property
    def consumer(self) -> FakeConsumer:
        """The group consumer (the runner makes one)."""
        return self.made["group_consumer"][-1]

    @property
    def producers(self) -> list[FakeProducer]:
        return self.made["transactional_producer"] + self.made["idempotent_producer"]

    def _made(self, kind: str, client):
        self.made[kind].append(client)
        return client

    def group_consumer(self, config: RuntimeConfig, group_id: str, partitions: int | None = None) -> FakeConsumer:
        client = FakeConsumer(self.broker, client_id=f"{group_id}-{config.instance_id}", group_id=group_id,
                              max_poll_records=config.max_batch)
        return self._made("group_consumer", client)

    def set_fetch_max_wait(self, consumer: FakeConsumer, wait_ms: int) -> None:
        """Nothing to change in the fake (its polls never wait); the runner's choices are kept in `fetch_waits`."""
        self.fetch_waits.append(wait_ms)

    def restore_consumer(self, config: RuntimeConfig) -> FakeConsumer:
        return self._made("restore_consumer", FakeConsumer(self.broker, client_id=f"restore-{config.instance_id}",
                                                           max_poll_records=50_000))

    def transactional_producer(self, config: RuntimeConfig, transactional_id: str) -> FakeProducer:
        client = FakeProducer(self.broker, client_id=transactional_id, transactional_id=transactional_id)
        return self._made("transactional_producer", client)

    def idempotent_producer(self, config: RuntimeConfig, client_id: str) -> FakeProducer:
        return self._made("idempotent_producer", FakeProducer(self.broker, client_id=client_id))

    def admin_client(self, config: RuntimeConfig) -> FakeAdmin:
        return self._made("admin_client", FakeAdmin(self.broker, client_id=f"admin-{config.instance_id}"))


# -- driving a runner ----------------------------------------------------------------------------


class Instance:
    """A runner on the fake broker, with the clients it made."""

    def __init__(self, runner, clients: FakeClients) -> None:
        self.runner, self.clients = runner, clients

    @property
    def consumer(self) -> FakeConsumer:
        return self.clients.consumer

    def step(self, times: int = 1) -> int:
        return sum(self.runner.step() for _ in range(times))

    def step_until_idle(self, limit: int = 100) -> int:
        """Step until a step handles nothing and aborts nothing; returns the steps taken."""
        for steps in range(1, limit + 1):
            aborts = self.runner.health.aborts_in_a_row
            if self.runner.step() == 0 and self.runner.health.aborts_in_a_row <= aborts:
                return steps
        raise AssertionError(f"still busy after {limit} steps")


def start_runner(broker: FakeBroker, clock: MockedClock, processor, *, instance: str = "a", **settings) -> Instance:
    from streams.runtime.runner import Runner

    clients = FakeClients(broker)
    config = RuntimeConfig(bootstrap_servers="fake:9092", instance_id=instance, **settings)
    runner = Runner(
        processor, config, clients=clients, clock=clock.time, monotonic=clock.monotonic, sleep=clock.sleep
    )
    runner.start()
    return Instance(runner, clients)
