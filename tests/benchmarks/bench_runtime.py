"""Runtime throughput and restore time against a real broker; prints figures, asserts nothing.

    KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:39092 .venv/bin/python tests/benchmarks/bench_runtime.py [--records 100000]

In one run on the same broker and topic contents: a bare kafka-python consume→produce loop
(at-least-once: no transactions), the runtime doing the same pass-through exactly-once, the
ratio of the two (goal: at least 60 %), the runtime with a changelogged store on top, and the
time to restore a store of 100,000 keys (goal: under 10 s on 2 cores). The bare and the
exactly-once loops take turns for a few rounds and the best of each is kept, so a burst of
load on a shared machine does not decide the ratio.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer  # noqa: E402

from streams.runtime import Emit, Processor, Runner, RuntimeConfig, Store  # noqa: E402
from streams.runtime.changelog import restore_tasks  # noqa: E402
from streams.runtime.clients import CONSUMER_TUNING, PRODUCER_TUNING, restore_consumer  # noqa: E402
from streams.topics import changelog_topic  # noqa: E402
from tests.benchmarks.figures import Bench, Figure  # noqa: E402
from tests.benchmarks.servers import print_figures  # noqa: E402

PARTITIONS = 6
BATCH = 2_000


def create_topics(bootstrap: str, names: list[str], configs: dict[str, str] | None = None) -> None:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        admin.create_topics(
            {name: {"num_partitions": PARTITIONS, "replication_factor": 1, "configs": configs or {}} for name in names},
            wait_for_metadata=True,
        )
    finally:
        admin.close()


def fill(bootstrap: str, topic: str, count: int, make: Callable[[int], tuple[bytes, bytes]]) -> None:
    producer = KafkaProducer(bootstrap_servers=bootstrap, **PRODUCER_TUNING)
    for i in range(count):
        key, value = make(i)
        producer.send(topic, key=key, value=value)
    producer.flush()
    producer.close()


def bare_loop(bootstrap: str, source: str, target: str, count: int) -> float:
    """Records/s of the simplest consume→produce loop kafka-python allows."""
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=f"bare-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
        max_poll_records=BATCH,
        **CONSUMER_TUNING,
    )
    producer = KafkaProducer(bootstrap_servers=bootstrap, **PRODUCER_TUNING)
    consumer.subscribe([source])
    done, started = 0, None
    while done < count:
        polled = consumer.poll(timeout_ms=100, max_records=BATCH)
        if polled and started is None:
            started = time.perf_counter()
        for records in polled.values():
            for record in records:
                producer.send(target, key=record.key, value=record.value, headers=record.headers)
            done += len(records)
        if polled:
            consumer.commit_async()
    producer.flush()
    elapsed = time.perf_counter() - started
    consumer.close()
    producer.close()
    return count / elapsed


def runtime_loop(bootstrap: str, processor: Processor, count: int) -> float:
    """Records/s of the runtime's exactly-once loop, driven step by step in this thread."""
    runner = Runner(processor, RuntimeConfig(bootstrap_servers=bootstrap, max_batch=BATCH))
    runner.start()
    try:
        done, started = 0, None
        while done < count:
            handled = runner.step()
            if handled and started is None:
                started = time.perf_counter()
            done += handled
        return count / (time.perf_counter() - started)
    finally:
        runner.close()


def pass_through(name: str, source: str, target: str, dead_letters: str) -> Processor:
    def handle(record, context):
        return [Emit(target, record.key, record.value, record.headers)]

    return Processor(name=name, inputs=[source], outputs=[target], handle=handle, dead_letter_topic=dead_letters)


def counting(name: str, source: str, target: str, dead_letters: str) -> Processor:
    def handle(record, context):
        counts = context.state("counts")
        key = record.key.decode()
        counts.set(key, counts.get(key, 0) + 1)
        return [Emit(target, record.key, record.value, record.headers)]

    return Processor(
        name=name, inputs=[source], outputs=[target], stores=[Store("counts")], handle=handle, dead_letter_topic=dead_letters
    )


def restore_seconds(bootstrap: str, keys: int, run: str) -> float:
    processor = Processor(name=f"bench-restore-{run}", inputs=["unused"], handle=lambda r, c: None, stores=[Store("items")])
    topic = changelog_topic(processor.name, "items")
    create_topics(bootstrap, [topic], {"cleanup.policy": "compact"})
    fill(bootstrap, topic, keys, lambda i: (b"item-%d" % i, b'{"price":%d,"bids":%d,"open":true}' % (i, i % 17)))
    consumer = restore_consumer(RuntimeConfig(bootstrap_servers=bootstrap))
    try:
        started = time.perf_counter()
        tasks = restore_tasks(consumer, processor, range(PARTITIONS))
        elapsed = time.perf_counter() - started
    finally:
        consumer.close()
    restored = sum(len(task.stores["items"]) for task in tasks.values())
    if restored != keys:
        raise SystemExit(f"restored {restored} keys, expected {keys}")
    return elapsed


SECTION = "Runtime"


def measure_runtime(bench: Bench, *, records: int, restore_keys: int, rounds: int) -> list[Figure]:
    bootstrap = bench.bootstrap
    run = uuid.uuid4().hex[:8]
    source, dead_letters = f"bench-in-{run}", f"bench-dlq-{run}"
    targets = {kind: f"bench-out-{kind}-{run}" for kind in ("bare", "eos", "stateful")}
    create_topics(bootstrap, [source, dead_letters, *targets.values()])
    fill(bootstrap, source, records, lambda i: (b"item-%d" % (i % 5_000), b"x" * 100))

    bare = eos = 0.0
    for round_number in range(rounds):
        bare = max(bare, bare_loop(bootstrap, source, targets["bare"], records))
        processor = pass_through(f"bench-eos-{run}-{round_number}", source, targets["eos"], dead_letters)
        eos = max(eos, runtime_loop(bootstrap, processor, records))
    stateful = runtime_loop(
        bootstrap, counting(f"bench-stateful-{run}", source, targets["stateful"], dead_letters), records
    )
    restore = restore_seconds(bootstrap, restore_keys, run)
    bench.note(
        f"{records:,} records per loop (100-byte values, 5,000 keys, {PARTITIONS} partitions); the bare and the "
        f"exactly-once loops take turns, best of {rounds} rounds each"
    )
    bare_name = "bare kafka-python consume→produce loop"
    return [
        Figure(bare_name, bare, "records/s"),
        Figure("runtime pass-through, exactly-once", eos, "records/s", goal="≥ 60 % of the bare loop",
               baseline=bare_name, baseline_value=bare),
        Figure("runtime with a changelogged store", stateful, "records/s", baseline=bare_name, baseline_value=bare),
        Figure(f"restore {restore_keys:,} keys from a changelog", restore, "s", goal="< 10 s on 2 cores"),
    ]


def measure(bench: Bench) -> list[Figure]:
    return measure_runtime(
        bench, records=bench.size(100_000, 5_000), restore_keys=bench.size(100_000, 5_000), rounds=bench.size(3, 1)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--restore-keys", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    bench = Bench(bootstrap=os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:39092"), database_url="", redis_url="")
    figures = measure_runtime(bench, records=options.records, restore_keys=options.restore_keys, rounds=options.rounds)
    print(f"load average: {os.getloadavg()[0]:.2f} (a shared machine: indicative only)")
    print_figures(figures, bench)


if __name__ == "__main__":
    main()
