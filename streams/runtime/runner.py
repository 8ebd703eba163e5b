"""The consumer loop every processor runs on: poll, merge inputs, fire timers, handle, commit.

One step is one poll and at most one transaction, and the commit is the step's last act, so
no transaction is ever open while the consumer polls. That is what keeps rebalancing simple:
partition changes (reported by kafka-python on its IO thread, during poll) are applied by this
thread right after poll returns, when there is nothing in flight to commit or abort.

At rest the loop still steps every poll timeout (timers, gauges, liveness), but the broker is asked
to hold its fetches longer once the inputs have been quiet a while (`IDLE_FETCH_AFTER_S`): a held
fetch is answered as soon as records arrive, so this saves requests without delaying the next bid.

Timers fire in stream time, not wall-clock time (`eventtime`): a close timer waits until every
input partition of its task has been read past it, so a processor that is behind judges every
bid stamped before an auction's end before it closes the auction.

Failures, from the record outwards:
- a record that cannot be decoded, or whose handler raises (after bounded retries for
  `TransientError`), is dead-lettered in the same transaction, its state changes rolled back;
  operators replay it through the processor's retry topic, which the runner reads with the
  inputs and hands over as the original was first read (`redelivery`), so no other processor
  sees it again;
  an error that is transient (a server away) aborts the batch instead, to be retried;
- a transaction that fails is aborted: state rolls back to the last commit and the consumer
  rewinds to the committed offsets. Transient failures are retried after a growing pause; a
  batch that fails twice the same other way is split to find and dead-letter the record that
  fails (`failures`), so one bad record never stops the processor;
- a commit that times out has an unknown outcome: the producer is re-created (its
  `init_transactions` settles the old transaction), state is restored from the changelogs
  and the consumer rewinds;
- being fenced (another instance took this one's transactional id or group instance id) makes
  the runner re-create its producer once; fenced again within `FENCED_AGAIN_S` is fatal: the
  process exits and its supervisor restarts it;
- a sink processor's commit that finds offsets another instance stored since this one read them
  (`OffsetsMoved`: it lost its partitions while stalled, and has not heard yet) applies nothing;
  the consumer rewinds to what the sink holds.

Inputs are merged in timestamp order (`synchronizer`); before a task goes on without an empty
input, the broker is asked whether that input is really caught up, since the consumer's high
watermark is only as fresh as the partition's last fetch (a lost leader leaves it stale). While
a batch is split (one record per step), a second-old answer is reused (`_confirmed`).

A task may wait for an input only while that input is being fetched, so what it waits for is
fetched or handed over, never waited for forever:
- backpressure pauses a partition while its buffer is full and resumes it once the buffer is
  half empty (an empty one always counts), seeking it to where it stands: kafka-python parks a
  partition paused part-way through a fetch and, resumed, never fetches it again by itself; a seek
  drops what it parked (`clients.GroupConsumer`). A split batch, one record per transaction while
  polls bring more, is what fills buffers;
- an input a merge waits on, which the broker says has records, but whose position has not moved
  for `STALLED_S`, is sought the same way (logged, and counted in `streams_refetches_total`),
  whatever the client's reason for not fetching it.

The runner makes no client of its own and takes its time from what it is given: clients from its
`ClientFactory` (the real kafka-python ones by default), `clock` for the stream's wall-clock
time, `monotonic` and `sleep` for back-off, idle rejoining, gauges and health (only timings for
metrics and logs read the real clock). So the unit tests drive `step()` against an in-memory
broker and a fake clock (`tests/unit/runtime/fakebroker.py`).
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

from streams.runtime.changelog import changelog_emits, restore_tasks
from streams.runtime.clients import KAFKA_CLIENTS, ClientFactory
from streams.runtime.config import RuntimeConfig
from streams.runtime.context import Clock, Context
from streams.runtime.deadletter import record_dead_letter, timer_dead_letter
from streams.runtime.endpoint import Endpoint
from streams.runtime.eventtime import partition_watermark, task_watermark
from streams.runtime.failures import BatchFailures, is_transient
from streams.runtime.health import Health
from streams.runtime.jsonlog import current_event_id
from streams.runtime.metrics import RuntimeMetrics
from streams.runtime.preflight import check_topics
from streams.runtime.processor import Processor, Record
from streams.runtime.redelivery import NotARedelivery, as_first_read, out_of_band
from streams.runtime.sink import OffsetsMoved
from streams.runtime.retry import call_with_retries
from streams.runtime.synchronizer import InputSynchronizer, memoized
from streams.runtime.tasks import TaskState
from streams.runtime.transactions import CommitTimeout, KafkaTransactions, SinkCommitError, SinkTransactions

log = logging.getLogger(__name__)

FATAL_ERRORS = (FencedInstanceIdError, AuthorizationError)
FENCED_ERRORS = (ProducerFencedError, InvalidProducerEpochError)
"""The producer's epoch is no longer current. Instance ids are unique (`instances.py`), so this is
mostly the transaction coordinator aborting a transaction that outlived its timeout (e.g. while a
broker died and the coordinator moved): the producer is re-created once, like after an indefinite
error. Fenced again within `FENCED_AGAIN_S`, something else runs under this id: fatal."""
FENCED_AGAIN_S = 60.0
GAUGE_INTERVAL_S = 1.0
SINK_LABEL = "sink"
MAX_REJOIN_WAIT_S = 300.0
IDLE_FETCH_AFTER_S = 10.0
"""An instance that has had no records, no rebalance and no rewind this long asks the broker to hold its
fetches for `idle_fetch_max_wait_ms` instead of `fetch_max_wait_ms`, and polls for `idle_poll_timeout_ms`
instead of `poll_timeout_ms`: fewer requests on both sides, and fewer steps, at rest."""
CONFIRM_TIMEOUT_MS = 2_000
"""How long a step may ask the broker whether an input it would go on without is really caught up."""
CONFIRM_REUSE_S = 1.0
"""While a batch is split, how long the broker's "caught up" answer for a partition whose position stands still is reused."""
STALLED_S = 30.0
"""How long a merge waits on a lagging input whose position does not move before the consumer is told to fetch it again."""
POLL_RETRY_S = 0.5
"""The pause after a poll that failed on a retriable error (the group's coordinator was on a broker that died)."""


class RetryBatch(Exception):
    """A handler failed transiently: the whole batch is aborted and tried again, nothing dead-lettered."""


class Undecodable(Exception):
    """The processor's decoder refused a record; `error` is what it raised."""

    def __init__(self, error: Exception) -> None:
        super().__init__(f"{type(error).__name__}: {error}")
        self.error = error


def handled(processor: Processor, raw: Any, call: Callable[[Callable[[Context], Any]], list]) -> list:
    """What the processor's handler makes of a consumed record: decoded, made a `Record`, handled.

    `call(handler)` runs `handler(context)` as its caller must (the runner: with retries, state
    savepoints and its transaction's checks of the results); `streams.runtime.replay` takes the
    same path. Raises `Undecodable` when the decoder refuses the record, and whatever the handler
    raised otherwise."""
    try:
        value = processor.decode(raw.headers, raw.key, raw.value)
    except Exception as error:
        raise Undecodable(error) from error
    record = Record(raw.topic, raw.partition, raw.offset, raw.timestamp, raw.key, value, raw.headers)
    return call(lambda context: processor.handle(record, context))


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
    def __init__(
        self,
        processor: Processor,
        config: RuntimeConfig,
        *,
        clients: ClientFactory = KAFKA_CLIENTS,
        clock: Clock = time.time,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.processor = processor
        self.config = config
        self.metrics = RuntimeMetrics(processor.name)
        self._clients = clients
        self._clock = clock
        self._monotonic = monotonic
        self._sleep = sleep
        self._context = Context(processor.name, clock)
        self._retry_topic = processor.retry_topic
        self._sync = InputSynchronizer(processor.inputs, processor.max_idle_ms, out_of_band=out_of_band(processor))
        self._stateful = bool(processor.state_stores)
        self._tasks: dict[int, TaskState] = {}
        self._assigned: set[TopicPartition] = set()
        self._paused: set[TopicPartition] = set()
        self._unpositioned: set[TopicPartition] = set()
        """Assigned partitions to seek to their committed offsets before the next poll."""
        self._events = _RebalanceEvents()
        self._backlog = False
        self._out_counts: Counter[str] = Counter()
        self._dead_lettered = 0
        self._gauges_due = 0.0
        self._consumer = self._restorer = self._tx = self._admin = None
        self._failures = BatchFailures()
        self._fenced_at: float | None = None
        self._caught_up: dict[TopicPartition, tuple[int, float]] = {}
        """The broker's last end offset of each input it was asked about, and when it answered (`_confirmed`)."""
        self._waiting: dict[TopicPartition, tuple[int, float]] = {}
        """Inputs a merge waits on that have records to fetch: their position, and since when it has not moved."""
        self._last_timestamps: dict[TopicPartition, int] = {}
        """Per input partition, the latest timestamp handled and committed (for stream time)."""
        self._task_count = 0
        self._idle_since = monotonic()
        self._rejoin_wait_s = config.idle_rejoin_ms / 1000
        self._busy_at = monotonic()
        """When records, a rebalance or a rewind last came: until IDLE_FETCH_AFTER_S later, fetches wait briefly."""
        self._fetch_wait_ms = config.fetch_max_wait_ms
        self.health = Health(processor.name, config.instance_id, config.liveness_timeout_ms / 1000, monotonic)
        self._endpoint = Endpoint(self.metrics.registry, self.health)

    @property
    def assignment(self) -> frozenset[TopicPartition]:
        """The input partitions this instance owns (and holds the state of) right now."""
        return frozenset(self._assigned)

    def state_keys(self) -> dict[str, int]:
        """How many keys each state store holds now, over every task this instance holds."""
        keys: Counter[str] = Counter()
        for task in self._tasks.values():
            for name, store in task.stores.items():
                keys[name] += len(store)
        return dict(keys)

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
        config, processor, clients = self.config, self.processor, self._clients
        admin = clients.admin_client(config)
        try:
            self._task_count = check_topics(admin, processor)
        finally:
            admin.close()
        transactional_id = f"{processor.name}-{config.instance_id}"
        self._consumer = clients.group_consumer(config, processor.name, self._task_count)
        for topic in processor.subscriptions:  # have every input's metadata before joining the group
            self._consumer.partitions_for_topic(topic)
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
        self._consumer.subscribe(list(processor.subscriptions), listener=self._events)
        self._idle_since = self._monotonic()
        self._endpoint.serve(config.metrics_port, config.metrics_address)
        log.info("started as %s", transactional_id)

    def close(self) -> None:
        for client in (self._tx, self._consumer, self._restorer, self._admin, self._endpoint):
            if client is not None:
                try:
                    client.close()
                except Exception:
                    log.exception("closing %s failed", type(client).__name__)
        log.info("stopped")

    # -- one step ----------------------------------------------------------------------------

    def step(self) -> int:
        """One poll and at most one transaction; returns how many records and timers it handled."""
        pause = self._failures.backoff_s()
        if pause:
            self._sleep(pause)
        if self._unpositioned and not self._position():
            self.health.stepped()  # waiting for a server is a step: the loop is not hung
            return 0
        limit = self._failures.batch_limit(self.config.max_batch)
        self._tune_fetch_wait()
        polled = self._poll()
        if polled:
            self._busy_at = self._monotonic()
        self._apply_rebalances(polled)
        for tp, records in polled.items():
            if tp in self._assigned:
                self._sync.add(tp, records)
        self._apply_backpressure()
        now_ms = int(self._clock() * 1000)
        awaited = self._sync.awaited()
        lagging = self._confirmed(awaited, memoized(self._lagging))  # nothing is fetched until the next poll
        self._refetch_stalled(awaited, lagging)
        batch = self._sync.ready(now_ms, lagging, limit)
        self._backlog = len(batch) >= limit
        handled = self._transact(batch, now_ms, lagging) if batch or self._timers_due(now_ms, lagging) else 0
        self._refresh_gauges()
        self._rejoin_if_idle()
        self.health.stepped()
        return handled

    def _poll(self) -> dict:
        """The consumer's poll. kafka-python raises from it when the broker it needs for the group (its
        coordinator) refuses connections: a broker that died. That is a step that read nothing, not the
        end of the instance; the next poll looks for the new coordinator."""
        try:
            return self._consumer.poll(timeout_ms=self._poll_timeout_ms(), max_records=self.config.max_batch)
        except KafkaError as error:
            if not error.retriable:
                raise
            log.warning("poll failed (%s): polling again in %.1f s", error, POLL_RETRY_S)
            self._sleep(POLL_RETRY_S)
            return {}

    def _tune_fetch_wait(self) -> None:
        """Brief fetch waits while the inputs are busy, long ones once they have been quiet a while.

        A held fetch is answered as soon as records arrive, so a long wait costs traffic nothing;
        what waits for it is a fetch that must follow it on the same connection (after a seek), which
        is why a rebalance or a rewind counts as busy."""
        wanted = self.config.idle_fetch_max_wait_ms if self._quiet() else self.config.fetch_max_wait_ms
        if wanted != self._fetch_wait_ms:
            self._clients.set_fetch_max_wait(self._consumer, wanted)
            self._fetch_wait_ms = wanted

    def _quiet(self) -> bool:
        """No records, rebalance or rewind for IDLE_FETCH_AFTER_S: the instance is at rest."""
        return self._monotonic() - self._busy_at >= IDLE_FETCH_AFTER_S

    def _poll_timeout_ms(self) -> int:
        """How long a poll may wait for records: up to the config's (longer at rest), less when a timer or a
        held-back input is due.

        At rest a step is mostly the client's own bookkeeping (several hand-offs to its I/O thread), so
        fewer of them is most of an idle processor's CPU; records end a poll at once whatever its timeout."""
        if self._backlog:
            return 0
        timeout = self.config.idle_poll_timeout_ms if self._quiet() else self.config.poll_timeout_ms
        now_ms = int(self._clock() * 1000)
        if (release_ms := self._sync.waiting_until_ms()) is not None:
            timeout = min(timeout, max(0, release_ms - now_ms))
        if self.processor.on_timer is not None:
            for task in self._tasks.values():
                due = task.timers.next_due_ms()
                if due is not None and due > now_ms:  # one already due waits for its inputs, not the clock
                    timeout = min(timeout, due - now_ms)
        return timeout

    def _transact(self, batch: list, now_ms: int, lagging: Callable[[TopicPartition], bool]) -> int:
        # Keyed by (topic, partition) tuples, which equal and hash as the TopicPartitions they stand for.
        last_by_partition: dict[tuple[str, int], Any] = {}
        timestamps: dict[tuple[str, int], int] = {}
        self._out_counts = Counter()
        self._dead_lettered = 0
        timers = self.processor.on_timer is not None
        retry_topic = self._retry_topic
        fired = 0
        try:
            tasks = self._tasks
            for raw in batch:
                task = tasks[raw.partition]
                # The merge hands records over in stream time: what is due before this one fires first.
                # A replay (from the retry topic) is out of order by nature: it moves no timer.
                in_stream = raw.topic != retry_topic
                if timers and in_stream:
                    due = task.timers.next_due_ms()
                    if due is not None and due < raw.timestamp:
                        fired += self._fire_timers(task, raw.timestamp)
                self._handle(raw, task)
                tp = (raw.topic, raw.partition)
                last_by_partition[tp] = raw
                if timers and in_stream:
                    latest = timestamps.get(tp)
                    if latest is None or raw.timestamp > latest:
                        timestamps[tp] = raw.timestamp
            if timers:
                for task in tasks.values():
                    watermark = self._watermark(task.partition, now_ms, lagging, timestamps)
                    if watermark is not None:
                        fired += self._fire_timers(task, watermark)
            current_event_id.set(None)
            if self._stateful:
                for task in tasks.values():
                    for emit, partition in changelog_emits(self.processor, task):
                        self._tx.send(emit, partition)
            offsets = {TopicPartition(*tp): raw.offset + 1 for tp, raw in last_by_partition.items()}
            self._tx.commit(offsets)
        except FATAL_ERRORS:
            raise
        except FENCED_ERRORS as error:
            self._fenced(error)
            return 0
        except CommitTimeout as error:
            self._recover(error)
            return 0
        except OffsetsMoved as error:
            self._overtaken(error)
            return 0
        except (KafkaError, SinkCommitError, RetryBatch) as error:
            self._abort(error, batch)
            return 0
        for task in self._tasks.values():
            task.mark_committed()
        self._last_timestamps.update(timestamps)
        self._failures.committed(offsets)
        self.health.committed(self._dead_lettered)
        self._count_committed(batch, last_by_partition.values())
        return fired + len(batch)

    # -- handlers ----------------------------------------------------------------------------

    def _handle(self, raw: Any, task: TaskState) -> None:
        current_event_id.set(_header(raw.headers, "ce_id"))
        try:
            read = as_first_read(raw) if raw.topic == self._retry_topic else raw
        except NotARedelivery as error:
            self._dead_letter_record(raw, error)
            return
        if self._failures.splitting:
            poisoned = self._failures.poisoned(TopicPartition(raw.topic, raw.partition), raw.offset)
            if poisoned is not None:
                self._dead_letter_record(read, poisoned)
                return
        try:
            outputs = handled(self.processor, read, lambda handler: self._call_handler(task, handler))
        except Undecodable as undecodable:
            self._dead_letter_record(read, undecodable.error)
            return
        except Exception as error:
            if self._transient(error):
                raise RetryBatch(f"{type(error).__name__}: {error}") from error
            self._dead_letter_record(read, error)
            return
        self._deliver(outputs)

    def _fire_timers(self, task: TaskState, before_ms: int) -> int:
        """Fire the task's timers set for earlier than `before_ms`, earliest first."""
        on_timer = self.processor.on_timer
        fired = 0
        current_event_id.set(None)
        while (timer := task.timers.pop_due(before_ms - 1)) is not None:
            fired += 1
            try:
                outputs = self._call_handler(task, lambda context: on_timer(timer, context))
            except Exception as error:
                if self._transient(error):
                    raise RetryBatch(f"{type(error).__name__}: {error}") from error
                processor = self.processor
                emit = timer_dead_letter(processor.dead_letter_topic, processor.name, task.partition, timer, error)
                self._dead_letter(emit, error, {"timer_key": timer.key, "partition": task.partition})
                continue
            self._deliver(outputs)
        return fired

    def _watermark(
        self, partition: int, now_ms: int, lagging: Callable[[TopicPartition], bool], handled: dict[TopicPartition, int]
    ) -> int | None:
        """The task's stream time: its timers set before it may fire (None: not yet known)."""
        marks = []
        for topic in self.processor.inputs:
            tp = TopicPartition(topic, partition)
            head = self._sync.head_timestamp(tp)
            marks.append(
                partition_watermark(
                    head_ms=head,
                    caught_up=head is None and not lagging(tp),
                    last_handled_ms=handled.get(tp, self._last_timestamps.get(tp)),
                    now_ms=now_ms,
                )
            )
        return task_watermark(marks)

    def _timers_due(self, now_ms: int, lagging: Callable[[TopicPartition], bool]) -> bool:
        if self.processor.on_timer is None:
            return False
        for task in self._tasks.values():
            due = task.timers.next_due_ms()
            if due is not None and due <= now_ms:
                watermark = self._watermark(task.partition, now_ms, lagging, {})
                if watermark is not None and due < watermark:
                    return True
        return False

    def _transient(self, error: BaseException) -> bool:
        return is_transient(error, getattr(self.processor.sink, "is_transient", None))

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

        return call_with_retries(attempt, self.processor.retry, self._sleep)

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
        """`raw` as first read: a replay that fails again is dead-lettered as its original was."""
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
            timestamp_ms=raw.timestamp,
        )
        self._dead_letter(emit, error, {"topic": raw.topic, "partition": raw.partition, "offset": raw.offset})

    def _dead_letter(self, emit, error: Exception, context: dict) -> None:
        self._tx.send(emit)
        self._dead_lettered += 1
        self.metrics.dead_letters.labels(self.processor.name, type(error).__name__).inc()
        log.warning("dead-lettered: %s: %s", type(error).__name__, error, extra=context)

    # -- rebalancing, rewinding, recovering --------------------------------------------------

    def _apply_rebalances(self, polled: dict) -> None:
        if not self._events.pending:
            return
        while self._events.pending:
            kind, partitions = self._events.pending.popleft()
            self.metrics.rebalances.labels(self.processor.name, kind).inc()
            log.info("partitions %s: %s", kind, ", ".join(f"{tp.topic}[{tp.partition}]" for tp in sorted(partitions)))
            if kind == "assigned":
                self._assign(partitions, polled)
            else:
                self._release(partitions)
        self._idle_since = self._busy_at = self._monotonic()
        if self._assigned:
            self._rejoin_wait_s = self.config.idle_rejoin_ms / 1000
        self.health.held([(tp.topic, tp.partition) for tp in self._assigned], self._task_count)
        log.info("holding %d of %d tasks", len(self._tasks), self._task_count)

    def _rejoin_if_idle(self) -> None:
        """Ask for a new assignment when holding nothing although the group has work for this member.

        The assignor no longer hands out empty assignments to a group smaller than its partition
        count, but a member can still miss out (a rebalance cut short, a broker failover): this is
        the safety net, checked against the group's real size and backing off while it changes nothing.
        """
        if self._assigned or self._monotonic() - self._idle_since < self._rejoin_wait_s:
            return
        self._idle_since = self._monotonic()
        self._rejoin_wait_s = min(self._rejoin_wait_s * 2, MAX_REJOIN_WAIT_S)
        try:
            if self._admin is None:
                self._admin = self._clients.admin_client(self.config)
            members = len(self._admin.describe_groups([self.processor.name])[self.processor.name]["members"])
        except Exception as error:  # the check is best effort; the next one comes later
            log.warning("could not read the group's size: %s: %s", type(error).__name__, error)
            return
        if members < self._task_count:
            log.warning("holding no partitions in a group of %d members for %d tasks: asking to rejoin",
                        members, self._task_count)
            self.metrics.rebalances.labels(self.processor.name, "rejoin").inc()
            self._consumer._coordinator.request_rejoin()  # kafka-python has no public call for this

    def _assign(self, partitions: frozenset[TopicPartition], polled: dict) -> None:
        self._assigned |= partitions
        if self.processor.sink is not None:
            # The sink, not the group, knows where to resume (the next step seeks there before
            # polling); drop what was fetched from elsewhere.
            self._unpositioned |= partitions
            for tp in partitions:
                polled.pop(tp, None)
        self._tasks.update(self._load_tasks({tp.partition for tp in partitions} - self._tasks.keys()))

    def _release(self, partitions: frozenset[TopicPartition]) -> None:
        self._assigned -= partitions
        self._paused -= partitions
        self._unpositioned -= partitions
        self._failures.forget(partitions)
        for tp in partitions:
            self._last_timestamps.pop(tp, None)
            self._caught_up.pop(tp, None)
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

    def _abort(self, error: Exception, batch: list) -> None:
        current_event_id.set(None)  # the failure is the batch's, not the last record's
        transient = self._transient(error)
        starts: dict[TopicPartition, int] = {}
        records = [(TopicPartition(raw.topic, raw.partition), raw.offset) for raw in batch]
        for tp, offset in records:
            starts.setdefault(tp, offset)
        self._failures.failed(records, starts, error, transient=transient)
        self.health.aborted()
        log.warning(
            "aborting the transaction (%s, %d in a row%s): %s: %s",
            "transient: retrying after a pause" if transient else "retrying",
            self._failures.aborts_in_a_row,
            ", applying records one by one" if self._failures.splitting else "",
            type(error).__name__,
            error,
        )
        self.metrics.transaction_aborts.labels(self.processor.name, type(error).__name__).inc()
        try:
            self._tx.abort()
        except FATAL_ERRORS:
            raise
        except FENCED_ERRORS as fenced:
            self._fenced(fenced)
            return
        except KafkaError as abort_error:
            self._recover(abort_error)
            return
        for task in self._tasks.values():
            task.rollback()
        self._rewind()

    def _overtaken(self, error: OffsetsMoved) -> None:
        """Another instance stored offsets for partitions of this batch: nothing of it was applied.

        This instance lost them in a rebalance it has not heard of yet (it stalled past the session
        timeout). It reads on from what the sink holds; its next poll hands the partitions over."""
        current_event_id.set(None)
        log.warning(
            "fenced: another instance committed partitions of this batch since this one read them (%s); "
            "nothing of the batch is applied, reading on from the offsets the sink holds", error,
        )
        self.metrics.transaction_aborts.labels(self.processor.name, type(error).__name__).inc()
        self._tx.abort()
        for task in self._tasks.values():
            task.rollback()
        self._rewind()

    def _fenced(self, error: Exception) -> None:
        """Re-create the producer after a fence, unless the last fence was recent (then raise it: fatal)."""
        now = self._monotonic()
        if self._fenced_at is not None and now - self._fenced_at < FENCED_AGAIN_S:
            raise error
        self._fenced_at = now
        self._recover(error)

    def _recover(self, error: Exception) -> None:
        current_event_id.set(None)
        log.warning("re-creating the producer after an indefinite error: %s: %s", type(error).__name__, error)
        self.health.aborted()
        self.metrics.transaction_aborts.labels(self.processor.name, type(error).__name__).inc()
        self._tx.recover()
        self._tasks = self._load_tasks(list(self._tasks))
        self._rewind()

    def _rewind(self) -> None:
        """Forget what was fetched; the next step seeks every partition back to its committed offset."""
        self._sync.clear()
        self._unpositioned |= self._assigned
        self._busy_at = self._monotonic()

    def _position(self) -> bool:
        """Seek partitions waiting for it to their committed offsets; False while that cannot be done.

        The committed offsets come from the broker, or from the sink's database for a sink
        processor: when that is away, the loop waits (and backs off) rather than poll from a
        wrong position.
        """
        try:
            for tp, offset in self._tx.committed(self._unpositioned).items():
                if offset is None:
                    self._consumer.seek_to_beginning(tp)
                else:
                    self._consumer.seek(tp, offset)
        except FATAL_ERRORS:
            raise
        except Exception as error:
            if not self._transient(error):
                raise
            self._failures.failed((), {}, error, transient=True)
            self.health.aborted()
            log.warning("cannot read the committed offsets, retrying after a pause: %s: %s", type(error).__name__, error)
            return False
        self._unpositioned.clear()
        return True

    # -- flow control and metrics ------------------------------------------------------------

    def _lagging(self, tp: TopicPartition) -> bool:
        highwater = self._consumer.highwater(tp)
        if highwater is None:
            # Not fetched yet, or left out of incremental fetch responses since it was re-assigned.
            try:
                highwater = self._consumer.high_watermarks([tp], timeout_ms=CONFIRM_TIMEOUT_MS)[tp]
            except KafkaError as error:
                log.info("cannot tell whether %s[%d] is caught up (%s): waiting for it", tp.topic, tp.partition, error)
                return True
        position = self._consumer.position(tp)
        return position is None or position < highwater

    def _confirmed(self, awaited: list[TopicPartition], lagging: Callable[[TopicPartition], bool]) -> Callable[[TopicPartition], bool]:
        """`lagging`, with "caught up" asked of the broker for the inputs a merge is about to go on without.

        The consumer's high watermark is only as fresh as the partition's last fetch: while its leader
        is lost (a broker died), fetches fail and the old value says "caught up", though the new
        leader may hold a listing that a bid waiting on the other input depends on. One batched
        request for high watermarks settles it; when the broker cannot answer, the input counts as
        lagging.

        High watermarks, not the last stable offsets a read_committed consumer's `end_offsets` gives: a
        transaction's commit markers reach each of its partitions separately. The bidding processor writes
        a late bid's decision and the auction's close in one transaction; a reader that sees the close
        before the decision's partition has its marker would find that partition "caught up" at its last
        stable offset, and apply the close first. A position below the high watermark waits until the
        marker lands. An abandoned transaction does not hold it for ever: the broker aborts it after the
        transaction timeout (STREAMS_TRANSACTION_TIMEOUT_MS), and the position moves past its records.

        A split batch hands over one record per step, and asking each time made a split of 700
        records take minutes (the projector "hung" after PostgreSQL refused a row): while splitting,
        an answer younger than `CONFIRM_REUSE_S` for a partition whose position has not moved is reused.
        """
        unsure = [tp for tp in awaited if not lagging(tp)]
        if not unsure:
            return lagging
        now = self._monotonic()
        ends: dict[TopicPartition, int] = {}
        if self._failures.splitting:
            for tp in unsure:
                known = self._caught_up.get(tp)
                if known is not None and now - known[1] < CONFIRM_REUSE_S and known[0] == self._consumer.position(tp):
                    ends[tp] = known[0]
        ask = [tp for tp in unsure if tp not in ends]
        if ask:
            try:
                answered = self._consumer.high_watermarks(ask, timeout_ms=CONFIRM_TIMEOUT_MS)
            except KafkaError as error:
                log.info("cannot confirm that %d input partitions are caught up (%s): waiting for them", len(ask), error)
                answered = {}
            for tp, end in answered.items():
                ends[tp] = end
                self._caught_up[tp] = (end, now)

        def confirmed(tp: TopicPartition) -> bool:
            if tp not in unsure:
                return lagging(tp)
            end = ends.get(tp)
            return end is None or self._consumer.position(tp) < end

        return memoized(confirmed)

    def _apply_backpressure(self) -> None:
        limit = self.config.max_buffered_per_partition
        for tp in self._assigned:
            buffered = self._sync.buffered(tp)
            if tp in self._paused:
                if buffered <= limit // 2:
                    self._consumer.resume(tp)
                    self._paused.discard(tp)
                    self._refetch(tp)
            elif buffered >= limit:
                self._consumer.pause(tp)
                self._paused.add(tp)

    def _refetch_stalled(self, awaited: list[TopicPartition], lagging: Callable[[TopicPartition], bool]) -> None:
        """Fetch again the inputs a merge has waited on for `STALLED_S` while their position stood still."""
        now = self._monotonic()
        waiting: dict[TopicPartition, tuple[int, float]] = {}
        for tp in awaited:
            if not lagging(tp) or tp in self._unpositioned:
                continue
            position = self._consumer.position(tp)
            if position is None:  # not positioned yet: the consumer is still resolving where to fetch from
                continue
            before = self._waiting.get(tp)
            since = before[1] if before is not None and before[0] == position else now
            if now - since >= STALLED_S:
                log.warning("waited %.0f s on %s[%d], stuck at offset %s while the broker reports more: fetching it again",
                            now - since, tp.topic, tp.partition, position)
                self.metrics.refetches.labels(self.processor.name).inc()
                self._refetch(tp)
                since = now
            waiting[tp] = (position, since)
        self._waiting = waiting

    def _refetch(self, tp: TopicPartition) -> None:
        """Have the consumer fetch `tp` again from where it stands (the module's docstring says why)."""
        if tp in self._unpositioned:
            return  # the next step seeks it anyway
        position = self._consumer.position(tp)
        if position is not None:
            self._consumer.seek(tp, position)

    def _count_committed(self, batch: list, last_records: Iterable[Any]) -> None:
        self.metrics.count_in(Counter(raw.topic for raw in batch))
        self.metrics.count_out(self._out_counts)
        ce_times = [ce_time for raw in last_records if (ce_time := _header(raw.headers, "ce_time")) is not None]
        if ce_times:
            self.metrics.observe_end_to_end(ce_times, self._context.now())

    def _refresh_gauges(self) -> None:
        now = self._monotonic()
        if now < self._gauges_due:
            return
        self._gauges_due = now + GAUGE_INTERVAL_S
        name = self.processor.name
        total = None
        for tp in self._assigned:
            highwater = self._consumer.highwater(tp)
            position = self._consumer.position(tp)
            if highwater is not None and position is not None:
                self.metrics.consumer_lag.labels(name, tp.topic, str(tp.partition)).set(highwater - position)
                total = (total or 0) + highwater - position
        self.health.lag = total
        for task in self._tasks.values():
            for store_name, store in task.stores.items():
                self.metrics.state_keys.labels(name, store_name, str(task.partition)).set(len(store))

