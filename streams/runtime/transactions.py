"""Where a batch's effects go, atomically with its input offsets.

Two ways, one interface for the consumer loop:
- `KafkaTransactions`: outputs, changelog writes, dead letters and the consumed offsets in one
  Kafka transaction (exactly-once topic to topic, KIP-447 fencing through the consumer's group
  metadata).
- `SinkTransactions`: handler results and offsets in one database transaction of a
  `TransactionalSink`; dead letters go out just before it with an idempotent producer, so they
  are at-least-once (a crash between the two repeats them).
"""
from __future__ import annotations

import concurrent.futures
import logging
import queue
import threading
from typing import Any, Callable, Collection, Iterable, Mapping, Sequence

from kafka import KafkaConsumer, KafkaProducer
from kafka.errors import KafkaError
from kafka.structs import OffsetAndMetadata, TopicPartition

from streams.runtime.processor import Emit
from streams.runtime.sink import OffsetsMoved, TransactionalSink

log = logging.getLogger(__name__)


class CommitTimeout(KafkaError):
    """A transactional call did not finish in time: its outcome is unknown (an indefinite error)."""


class SinkCommitError(Exception):
    """The sink's transaction failed, so neither the batch's results nor its offsets were stored."""


class _Deadline:
    """Runs blocking client calls with a time limit (kafka-python's transactional calls have none).

    A call that times out leaves its worker thread blocked, so the worker is abandoned with
    the producer it was waiting on and a fresh one serves the next producer. The worker is a
    daemon thread: an abandoned one, blocked for good on a producer given up, must not keep the
    process from exiting when it is asked to stop (Python joins every other thread at exit, the
    executor's workers included, so the process would hang until SIGKILLed).
    """

    def __init__(self, timeout_s: float) -> None:
        self._timeout_s = timeout_s
        self._calls: queue.SimpleQueue = queue.SimpleQueue()
        threading.Thread(target=self._serve, args=(self._calls,), name="txn", daemon=True).start()

    @staticmethod
    def _serve(calls: queue.SimpleQueue) -> None:
        while (call := calls.get()) is not None:
            future, function, args = call
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(function(*args))
                except BaseException as error:
                    future.set_exception(error)

    def call(self, function: Callable[..., Any], *args: Any) -> Any:
        future: concurrent.futures.Future = concurrent.futures.Future()
        self._calls.put((future, function, args))
        try:
            return future.result(timeout=self._timeout_s)
        except concurrent.futures.TimeoutError:
            future.cancel()  # still queued behind a blocked call: it never runs
            raise CommitTimeout(f"{getattr(function, '__name__', function)} took over {self._timeout_s} s") from None

    def abandon(self) -> None:
        """The worker ends after its current call (if that call ever returns); queued calls are not run."""
        self._calls.put(None)


def _discard(producer: KafkaProducer, timeout_s: float) -> None:
    """Stop a producer whose transaction is being given up, dropping what it has not sent.

    Its I/O thread must be gone before a new producer of the same transactional id starts: a live
    one answers the new producer's fencing with an epoch bump of its own (KIP-360), which fences
    the new producer, and the two go on fencing each other. kafka-python's `close` cannot be the
    way: it flushes first, and a failed flush leaves the I/O thread running; so the thread is
    force-closed (failing the unsent records) and awaited, then the producer closed.
    """
    sender = getattr(producer, "_sender", None)  # kafka-python has no public force-close
    if sender is not None:
        sender.force_close()
        sender.join(timeout_s)
        if sender.is_alive():
            log.warning("an abandoned producer's I/O thread is still running after %s s", timeout_s)
    try:
        producer.close(timeout=0)
    except Exception as error:
        log.warning("closing an abandoned producer failed: %s: %s", type(error).__name__, error)


def _kafka_key(key: bytes | str | None) -> bytes | None:
    return key.encode() if isinstance(key, str) else key


MAX_EMIT_BYTES = 1_000_000
"""Below the default broker and producer limits (1 MiB): a larger record would fail the whole
transaction again on every retry, so it is refused as the handler's error instead."""


def _check_emit(emit: Any, outputs: Collection[str]) -> Emit:
    if not isinstance(emit, Emit):
        raise TypeError(f"a topic processor's handler must return Emit records, not {type(emit).__name__}")
    if emit.topic not in outputs:
        raise ValueError(f"emit to {emit.topic!r}, which is not among the processor's declared outputs")
    if not (emit.value is None or isinstance(emit.value, bytes)):
        raise TypeError(f"an emitted value must be bytes or None, not {type(emit.value).__name__}")
    if emit.value is not None and len(emit.value) > MAX_EMIT_BYTES:
        raise ValueError(f"an emitted value of {len(emit.value)} bytes is over the {MAX_EMIT_BYTES}-byte limit")
    return emit


class KafkaTransactions:
    def __init__(
        self,
        make_producer: Callable[[], KafkaProducer],
        consumer: KafkaConsumer,
        outputs: Collection[str],
        timeout_s: float,
    ) -> None:
        self._make_producer = make_producer
        self._consumer = consumer
        self._outputs = frozenset(outputs)
        self._timeout_s = timeout_s
        self._open = False
        self._producer, self._deadline = self._start_producer()

    def _start_producer(self) -> tuple[KafkaProducer, _Deadline]:
        producer, deadline = self._make_producer(), _Deadline(self._timeout_s)
        deadline.call(producer.init_transactions)
        return producer, deadline

    def accept(self, results: Iterable[Any] | None) -> list[Emit]:
        """Check what a handler returned; a bad result is the handler's error (the record is dead-lettered)."""
        if not results:
            return []
        emits = results if type(results) is list else list(results)
        outputs = self._outputs
        for emit in emits:
            value = getattr(emit, "value", None)  # the usual case in one test, the rest only when it fails
            if not (
                type(emit) is Emit
                and emit.topic in outputs
                and (value is None or (type(value) is bytes and len(value) <= MAX_EMIT_BYTES))
            ):
                _check_emit(emit, outputs)
        return emits

    def deliver(self, emits: Sequence[Emit]) -> None:
        for emit in emits:
            self.send(emit)

    def send(self, emit: Emit, partition: int | None = None) -> None:
        if not self._open:
            self._producer.begin_transaction()
            self._open = True
        headers = emit.headers
        self._producer.send(
            emit.topic,
            value=emit.value,
            key=_kafka_key(emit.key),
            headers=headers if type(headers) is list else list(headers),
            partition=partition,
        )

    def commit(self, offsets: Mapping[TopicPartition, int]) -> None:
        if not self._open:
            if not offsets:
                return  # nothing was sent and nothing consumed: there is no transaction to commit
            self._producer.begin_transaction()
            self._open = True
        if offsets:  # a transaction of fired timers alone consumed nothing
            committed = {tp: OffsetAndMetadata(offset, "", -1) for tp, offset in offsets.items()}
            self._deadline.call(self._producer.send_offsets_to_transaction, committed, self._consumer.group_metadata())
        self._deadline.call(self._producer.commit_transaction)
        self._open = False

    def abort(self) -> None:
        if self._open:
            self._open = False
            self._deadline.call(self._producer.abort_transaction)

    def recover(self) -> None:
        """After an indefinite error: a new producer whose `init_transactions` settles the old transaction.

        The old producer is stopped first, its unsent records dropped (they belong to the transaction
        given up): see `_discard`.
        """
        self._deadline.abandon()
        self._open = False
        _discard(self._producer, self._timeout_s)
        self._producer, self._deadline = self._start_producer()

    def committed(self, partitions: Collection[TopicPartition]) -> dict[TopicPartition, int | None]:
        """The group's committed offsets (read_committed waits for pending transactional ones)."""
        return {tp: self._consumer.committed(tp) for tp in partitions}

    def close(self) -> None:
        try:
            self.abort()
        finally:
            self._deadline.abandon()
            self._producer.close(timeout=self._timeout_s)


class SinkTransactions:
    def __init__(self, sink: TransactionalSink, producer: KafkaProducer, timeout_s: float) -> None:
        self._sink = sink
        self._producer = producer
        self._timeout_s = timeout_s
        self._results: list[Any] = []
        self._dead_letters: list = []
        self._stored: dict[TopicPartition, int | None] = {}
        """What the sink held for each partition when this instance read it, or last stored: the fence."""

    def accept(self, results: Iterable[Any] | None) -> list[Any]:
        return list(results or ())

    def deliver(self, results: Sequence[Any]) -> None:
        self._results.extend(results)

    def send(self, emit: Emit, partition: int | None = None) -> None:
        future = self._producer.send(
            emit.topic, value=emit.value, key=_kafka_key(emit.key), headers=list(emit.headers), partition=partition
        )
        self._dead_letters.append(future)

    def commit(self, offsets: Mapping[TopicPartition, int]) -> None:
        self._producer.flush(timeout=self._timeout_s)
        for future in self._dead_letters:
            future.get(timeout=0)  # raises if the dead letter was not written: then nothing is committed
        expected = {tp: self._stored[tp] for tp in offsets if tp in self._stored}
        try:
            self._sink.commit(self._results, offsets, expected=expected)
        except OffsetsMoved:
            raise
        except Exception as error:
            raise SinkCommitError(f"{type(error).__name__}: {error}") from error
        self._stored.update(offsets)
        self.abort()

    def abort(self) -> None:
        self._results = []
        self._dead_letters = []

    def recover(self) -> None:
        self.abort()

    def committed(self, partitions: Collection[TopicPartition]) -> dict[TopicPartition, int | None]:
        stored = self._sink.load_offsets(partitions)
        found = {tp: stored.get(tp) for tp in partitions}
        self._stored.update(found)
        return found

    def close(self) -> None:
        self._producer.close(timeout=self._timeout_s)
