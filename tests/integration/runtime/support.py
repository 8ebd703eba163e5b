"""Real-broker helpers for the runtime's integration tests: topics, producing, reading, running."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition

from streams.runtime import Processor, Runner, RuntimeConfig
from streams.runtime.clients import KAFKA_CLIENTS, ClientFactory

REPO = Path(__file__).resolve().parents[3]


def create_topics(bootstrap: str, names: Iterable[str], partitions: int) -> None:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        admin.create_topics(
            {name: {"num_partitions": partitions, "replication_factor": 1} for name in names}, wait_for_metadata=True
        )
    finally:
        admin.close()


def produce(bootstrap: str, topic: str, records: Iterable[tuple], partition: int | None = None) -> None:
    """Send (key, value[, headers[, timestamp_ms]]) tuples with acks=all, in order per key."""
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=5)
    try:
        for key, value, *rest in records:
            headers = rest[0] if rest else None
            timestamp_ms = rest[1] if len(rest) > 1 else None
            producer.send(topic, key=key, value=value, headers=headers, timestamp_ms=timestamp_ms, partition=partition)
        producer.flush()
    finally:
        producer.close()


def read_committed(bootstrap: str, topic: str, expected: int, timeout_s: float = 60, settle_s: float = 1.0) -> list:
    """Every committed record of the topic, once `expected` have arrived and no more came for `settle_s`."""
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap,
        isolation_level="read_committed",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_poll_records=10_000,
    )
    partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
    consumer.assign(partitions)
    consumer.seek_to_beginning(*partitions)
    records: list = []
    deadline = time.monotonic() + timeout_s
    quiet_since = time.monotonic()
    try:
        while time.monotonic() < deadline:
            batch = consumer.poll(timeout_ms=200)
            if batch:
                quiet_since = time.monotonic()
                for part in batch.values():
                    records.extend(part)
            elif len(records) >= expected and time.monotonic() - quiet_since >= settle_s:
                break
    finally:
        consumer.close()
    return records


def header(record, name: str) -> bytes | None:
    return dict(record.headers).get(name)


@contextmanager
def running(processor: Processor, bootstrap: str, *, clients: ClientFactory = KAFKA_CLIENTS, **settings) -> Iterator[Runner]:
    """The processor running in a thread of this process for the duration of the block."""
    runner = Runner(processor, RuntimeConfig(bootstrap_servers=bootstrap, **settings), clients=clients)
    stop = threading.Event()
    failure: list[BaseException] = []

    def run() -> None:
        try:
            runner.run(stop)
        except BaseException as error:  # surfaced in the test's thread below
            failure.append(error)

    thread = threading.Thread(target=run, name=f"runner-{processor.name}")
    thread.start()
    try:
        yield runner
    finally:
        stop.set()
        thread.join(timeout=60)
    if failure:
        raise failure[0]


def spawn(spec: str, bootstrap: str, environment: dict[str, str], instance_id: str) -> subprocess.Popen:
    """`python -m streams.runtime.run spec` as a child process, logging to a file per instance."""
    env = {**os.environ, **environment, "KAFKA_BOOTSTRAP_SERVERS": bootstrap, "STREAMS_INSTANCE_ID": instance_id}
    log_dir = Path(os.environ.get("RUNTIME_TEST_LOGS", "/tmp/runtime-test-logs"))
    log_dir.mkdir(parents=True, exist_ok=True)
    with open(log_dir / f"{environment.get('RUNTIME_TEST_PROCESSOR', 'processor')}-{instance_id}.log", "ab") as log_file:
        return subprocess.Popen(
            [sys.executable, "-m", "streams.runtime.run", spec],
            cwd=REPO,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )


class PacedProducer(threading.Thread):
    """Produces keyed records at a steady rate in the background, so crashes land mid-stream."""

    def __init__(self, bootstrap: str, topic: str, records: list[tuple[bytes, bytes]], seconds: float) -> None:
        super().__init__(name=f"producer-{topic}", daemon=True)
        self.servers, self.topic, self.records, self.seconds = bootstrap, topic, records, seconds
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            producer = KafkaProducer(bootstrap_servers=self.servers, acks="all", linger_ms=5)
            started, chunk = time.monotonic(), 1_000
            for index in range(0, len(self.records), chunk):
                for key, value in self.records[index : index + chunk]:
                    producer.send(self.topic, key=key, value=value)
                ahead = started + self.seconds * (index + chunk) / len(self.records) - time.monotonic()
                if ahead > 0:
                    time.sleep(ahead)
            producer.flush()
            producer.close()
        except BaseException as error:
            self.error = error


def committed_count(bootstrap: str, topic: str) -> int:
    """How many offsets a read_committed reader sees as stable (records plus transaction markers)."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, isolation_level="read_committed")
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
        return sum(consumer.end_offsets(partitions).values())
    finally:
        consumer.close()
