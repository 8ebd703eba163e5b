"""The consumer loop every processor runs on: poll, merge inputs, fire timers, handle, commit.

One step is one poll and at most one transaction, and the commit is the step's last act, so
no transaction is ever open while the consumer polls. That is what keeps rebalancing simple:
partition changes (reported by kafka-python on its IO thread, during poll) are applied by this
thread right after poll returns, when there is nothing in flight to commit or abort.

Failures, from the record outwards:
- a record that cannot be decoded, or whose handler raises (after bounded retries for
  `TransientError`), is dead-lettered in the same transaction, its state changes rolled back;
- a transaction that fails is aborted: state rolls back to the last commit and the consumer
  rewinds to the committed offsets;
- a commit that times out has an unknown outcome: the producer is re-created (its
  `init_transactions` settles the old transaction), state is restored from the changelogs
  and the consumer rewinds;
- being fenced (another instance took this one's transactional id or group instance id) is
  fatal: the process exits and its supervisor restarts it.
"""
from __future__ import annotations

import logging
import threading
import time
from collections import Counter, deque
from typing import Any, Callable, Collection, Iterable

from kafka import ConsumerRebalanceListener
from kafka.errors import (
    AuthorizationError,
    FencedInstanceIdError,
    InvalidProducerEpochError,
    KafkaError,
    ProducerFencedError,
)
from kafka.structs import TopicPartition

from streams.runtime import clients
from streams.runtime.changelog import changelog_emits, restore_tasks
from streams.runtime.config import RuntimeConfig
from streams.runtime.context import Clock, Context
from streams.runtime.deadletter import record_dead_letter, timer_dead_letter
from streams.runtime.jsonlog import current_event_id
from streams.runtime.metrics import RuntimeMetrics
from streams.runtime.preflight import check_topics
from streams.runtime.processor import Processor, Record
from streams.runtime.retry import call_with_retries
from streams.runtime.synchronizer import InputSynchronizer
from streams.runtime.tasks import TaskState
from streams.runtime.transactions import CommitTimeout, KafkaTransactions, SinkCommitError, SinkTransactions

log = logging.getLogger(__name__)

FATAL_ERRORS = (ProducerFencedError, InvalidProducerEpochError, FencedInstanceIdError, AuthorizationError)
GAUGE_INTERVAL_S = 1.0
SINK_LABEL = "sink"


def _header(headers: Iterable[tuple[str, bytes]], name: str) -> bytes | None:
    for key, value in headers:
        if key == name:
            return value
    return None


class _RebalanceEvents(ConsumerRebalanceListener):
    """Queues partition changes from the client's IO thread for the loop to apply after poll."""

    def __init__(self) -> None:
        self.pending: deque[tuple[str, frozenset[TopicPartition]]] = deque()

    def on_partitions_revoked(self, revoked):
        self.pending.append(("revoked", frozenset(revoked)))

    def on_partitions_assigned(self, assigned):
        self.pending.append(("assigned", frozenset(assigned)))

    def on_partitions_lost(self, lost):
        self.pending.append(("lost", frozenset(lost)))


class Runner:
    def __init__(self, processor: Processor, config: RuntimeConfig, *, clock: Clock = time.time) -> None:
        self.processor = processor
        self.config = config
        self.metrics = RuntimeMetrics(processor.name)
        self._clock = clock
        self._context = Context(processor.name, clock)
        self._sync = InputSynchronizer(processor.inputs, processor.max_idle_ms)
        self._stateful = bool(processor.state_stores)
        self._tasks: dict[int, TaskState] = {}
        self._assigned: set[TopicPartition] = set()
        self._paused: set[TopicPartition] = set()
        self._events = _RebalanceEvents()
        self._backlog = False
        self._out_counts: Counter[str] = Counter()
        self._gauges_due = 0.0
        self._consumer = self._restorer = self._tx = None

    @property
    def assignment(self) -> frozenset[TopicPartition]:
        """The input partitions this instance owns (and holds the state of) right now."""
        return frozenset(self._assigned)

    # -- lifecycle ---------------------------------------------------------------------------

    def run(self, stop: threading.Event) -> None:
        """Process until `stop` is set; the open transaction is always finished before leaving."""
        self.start()
        try:
            while not stop.is_set():
                self.step()
        finally:
            self.close()

    def start(self) -> None:
        config, processor = self.config, self.processor
        admin = clients.admin_client(config)
        try:
            check_topics(admin, processor)
        finally:
            admin.close()
        transactional_id = f"{processor.name}-{config.instance_id}"
        self._consumer = clients.group_consumer(config, processor.name)
        timeout_s = config.commit_timeout_ms / 1000
        if processor.sink is not None:
            producer = clients.idempotent_producer(config, transactional_id)
            self._tx = SinkTransactions(processor.sink, producer, timeout_s)
        else:
            self._tx = KafkaTransactions(
                lambda: clients.transactional_producer(config, transactional_id),
                self._consumer,
                processor.outputs,
                timeout_s,
            )
        if self._stateful:
            self._restorer = clients.restore_consumer(config)
        self._consumer.subscribe(list(processor.inputs), listener=self._events)
        self.metrics.serve(config.metrics_port, config.metrics_address)
        log.info("started as %s", transactional_id)

    def close(self) -> None:
        for client in (self._tx, self._consumer, self._restorer, self.metrics):
            if client is not None:
                try:
                    client.close()
                except Exception:
                    log.exception("closing %s failed", type(client).__name__)
        log.info("stopped")

    # -- one step ----------------------------------------------------------------------------

    def step(self) -> int:
        """One poll and at most one transaction; returns how many records and timers it handled."""
        polled = self._consumer.poll(timeout_ms=self._poll_timeout_ms(), max_records=self.config.max_batch)
        self._apply_rebalances(polled)
        for tp, records in polled.items():
            if tp in self._assigned:
                self._sync.add(tp, records)
        self._apply_backpressure()
        now_ms = int(self._clock() * 1000)
        batch = self._sync.ready(now_ms, self._lagging, self.config.max_batch)
        self._backlog = len(batch) >= self.config.max_batch
        handled = self._transact(batch, now_ms) if batch or self._timers_due(now_ms) else 0
        self._refresh_gauges()
        return handled

    def _poll_timeout_ms(self) -> int:
        if self._backlog:
            return 0
        timeout = self.config.poll_timeout_ms
        if self.processor.on_timer is not None:
            now_ms = int(self._clock() * 1000)
            for task in self._tasks.values():
                due = task.timers.next_due_ms()
                if due is not None:
                    timeout = max(0, min(timeout, due - now_ms))
        return timeout

    def _transact(self, batch: list, now_ms: int) -> int:
        last_by_partition: dict[tuple[str, int], Any] = {}
        self._out_counts = Counter()
        try:
            handled = self._fire_timers(now_ms)
            tasks = self._tasks
            for raw in batch:
                self._handle(raw, tasks[raw.partition])
                last_by_partition[(raw.topic, raw.partition)] = raw
            current_event_id.set(None)
            if self._stateful:
                for task in tasks.values():
                    for emit, partition in changelog_emits(self.processor, task):
                        self._tx.send(emit, partition)
            self._tx.commit({TopicPartition(*tp): raw.offset + 1 for tp, raw in last_by_partition.items()})
        except FATAL_ERRORS:
            raise
        except CommitTimeout as error:
            self._recover(error)
            return 0
        except (KafkaError, SinkCommitError) as error:
            self._abort(error)
            return 0
        for task in self._tasks.values():
            task.mark_committed()
        self._count_committed(batch, last_by_partition.values())
        return handled + len(batch)

    # -- handlers ----------------------------------------------------------------------------

    def _handle(self, raw: Any, task: TaskState) -> None:
        processor = self.processor
        current_event_id.set(_header(raw.headers, "ce_id"))
        try:
            value = processor.decode(raw.headers, raw.key, raw.value)
        except Exception as error:
            self._dead_letter_record(raw, error)
            return
        record = Record(raw.topic, raw.partition, raw.offset, raw.timestamp, raw.key, value, raw.headers)
        try:
            outputs = self._call_handler(task, lambda context: processor.handle(record, context))
        except Exception as error:
            self._dead_letter_record(raw, error)
            return
        self._deliver(outputs)

    def _fire_timers(self, now_ms: int) -> int:
        on_timer = self.processor.on_timer
        if on_timer is None:
            return 0
        fired = 0
        current_event_id.set(None)
        for task in self._tasks.values():
            while (timer := task.timers.pop_due(now_ms)) is not None:
                fired += 1
                try:
                    outputs = self._call_handler(task, lambda context: on_timer(timer, context))
                except Exception as error:
                    processor = self.processor
                    emit = timer_dead_letter(processor.dead_letter_topic, processor.name, task.partition, timer, error)
                    self._dead_letter(emit, error, {"timer_key": timer.key, "partition": task.partition})
                    continue
                self._deliver(outputs)
        return fired

    def _timers_due(self, now_ms: int) -> bool:
        if self.processor.on_timer is None:
            return False
        return any((due := task.timers.next_due_ms()) is not None and due <= now_ms for task in self._tasks.values())

    def _call_handler(self, task: TaskState, call: Callable[[Context], Any]) -> list:
        """Run a handler with retries; a failed attempt leaves no trace in the state."""
        savepoint = task.savepoint() if self._stateful else None
        context = self._context.bind(task)
        observe = self.metrics.handler_seconds.observe

        def attempt() -> list:
            started = time.perf_counter()
            try:
                return self._tx.accept(call(context))
            except BaseException:
                if savepoint is not None:
                    task.rollback(savepoint)
                raise
            finally:
                observe(time.perf_counter() - started)

        return call_with_retries(attempt, self.processor.retry)

    def _deliver(self, outputs: list) -> None:
        if outputs:
            self._tx.deliver(outputs)
            counts = self._out_counts
            if self.processor.sink is None:
                for output in outputs:
                    counts[output.topic] += 1
            else:
                counts[SINK_LABEL] += len(outputs)

    def _dead_letter_record(self, raw: Any, error: Exception) -> None:
        emit = record_dead_letter(
            self.processor.dead_letter_topic,
            self.processor.name,
            topic=raw.topic,
            partition=raw.partition,
            offset=raw.offset,
            key=raw.key,
            value=raw.value,
            headers=raw.headers,
            error=error,
        )
        self._dead_letter(emit, error, {"topic": raw.topic, "partition": raw.partition, "offset": raw.offset})

    def _dead_letter(self, emit, error: Exception, context: dict) -> None:
        self._tx.send(emit)
        self.metrics.dead_letters.labels(self.processor.name, type(error).__name__).inc()
        log.warning("dead-lettered: %s: %s", type(error).__name__, error, extra=context)

    # -- rebalancing, rewinding, recovering --------------------------------------------------

    def _apply_rebalances(self, polled: dict) -> None:
        while self._events.pending:
            kind, partitions = self._events.pending.popleft()
            self.metrics.rebalances.labels(self.processor.name, kind).inc()
            log.info("partitions %s: %s", kind, ", ".join(f"{tp.topic}[{tp.partition}]" for tp in sorted(partitions)))
            if kind == "assigned":
                self._assign(partitions, polled)
            else:
                self._release(partitions)

    def _assign(self, partitions: frozenset[TopicPartition], polled: dict) -> None:
        self._assigned |= partitions
        if self.processor.sink is not None:
            # The sink, not the group, knows where to resume; drop what was fetched from elsewhere.
            self._seek_committed(partitions)
            for tp in partitions:
                polled.pop(tp, None)
        self._tasks.update(self._load_tasks({tp.partition for tp in partitions} - self._tasks.keys()))

    def _release(self, partitions: frozenset[TopicPartition]) -> None:
        self._assigned -= partitions
        self._paused -= partitions
        numbers = {tp.partition for tp in partitions}
        self._sync.drop(numbers)
        for number in numbers:
            self._tasks.pop(number, None)

    def _load_tasks(self, partitions: Collection[int]) -> dict[int, TaskState]:
        if not partitions:
            return {}
        if self._stateful:
            return restore_tasks(self._restorer, self.processor, partitions)
        return {partition: TaskState(partition, ()) for partition in partitions}

    def _abort(self, error: Exception) -> None:
        current_event_id.set(None)  # the failure is the batch's, not the last record's
        log.warning("aborting the transaction: %s: %s", type(error).__name__, error)
        self.metrics.transaction_aborts.labels(self.processor.name, type(error).__name__).inc()
        try:
            self._tx.abort()
        except FATAL_ERRORS:
            raise
        except KafkaError as abort_error:
            self._recover(abort_error)
            return
        for task in self._tasks.values():
            task.rollback()
        self._rewind()

    def _recover(self, error: Exception) -> None:
        current_event_id.set(None)
        log.warning("re-creating the producer after an indefinite error: %s: %s", type(error).__name__, error)
        self.metrics.transaction_aborts.labels(self.processor.name, type(error).__name__).inc()
        self._tx.recover()
        self._tasks = self._load_tasks(list(self._tasks))
        self._rewind()

    def _rewind(self) -> None:
        self._sync.clear()
        self._seek_committed(self._assigned)

    def _seek_committed(self, partitions: Collection[TopicPartition]) -> None:
        for tp, offset in self._tx.committed(partitions).items():
            if offset is None:
                self._consumer.seek_to_beginning(tp)
            else:
                self._consumer.seek(tp, offset)

    # -- flow control and metrics ------------------------------------------------------------

    def _lagging(self, tp: TopicPartition) -> bool:
        highwater = self._consumer.highwater(tp)
        if highwater is None:
            # Not fetched yet, or left out of incremental fetch responses since it was re-assigned.
            highwater = self._consumer.end_offsets([tp])[tp]
        position = self._consumer.position(tp)
        return position is None or position < highwater

    def _apply_backpressure(self) -> None:
        limit = self.config.max_buffered_per_partition
        for tp in self._assigned:
            buffered = self._sync.buffered(tp)
            if tp in self._paused:
                if buffered < limit // 2:
                    self._consumer.resume(tp)
                    self._paused.discard(tp)
            elif buffered >= limit:
                self._consumer.pause(tp)
                self._paused.add(tp)

    def _count_committed(self, batch: list, last_records: Iterable[Any]) -> None:
        self.metrics.count_in(Counter(raw.topic for raw in batch))
        self.metrics.count_out(self._out_counts)
        ce_times = [ce_time for raw in last_records if (ce_time := _header(raw.headers, "ce_time")) is not None]
        if ce_times:
            self.metrics.observe_end_to_end(ce_times, self._context.now())

    def _refresh_gauges(self) -> None:
        now = time.monotonic()
        if now < self._gauges_due:
            return
        self._gauges_due = now + GAUGE_INTERVAL_S
        name = self.processor.name
        for tp in self._assigned:
            highwater = self._consumer.highwater(tp)
            position = self._consumer.position(tp)
            if highwater is not None and position is not None:
                self.metrics.consumer_lag.labels(name, tp.topic, str(tp.partition)).set(highwater - position)
        for task in self._tasks.values():
            for store_name, store in task.stores.items():
                self.metrics.state_keys.labels(name, store_name, str(task.partition)).set(len(store))
