"""Exactly-once under kill -9: a stateful copy killed at random moments still yields the input exactly.

The processor appends to every record how many records its key has had (kept in a changelogged
store), so the check covers both outputs and state: no duplicate, no gap, per-key order kept,
and every count right although the store was rebuilt from its changelog after every crash.
"""
import random
import signal
import time
from collections import defaultdict

from tests.integration.runtime.support import PacedProducer, committed_count, create_topics, read_committed, spawn

RECORDS = 100_000
KEYS = 1_000
KILLS = 5


def expected_per_key() -> dict[bytes, list[bytes]]:
    expected = defaultdict(list)
    for index in range(RECORDS):
        key = b"key-%d" % (index % KEYS)
        expected[key].append(b"%d|%d" % (index, len(expected[key]) + 1))
    return expected


def outputs_per_key(records) -> dict[bytes, list[bytes]]:
    per_key = defaultdict(list)
    for record in sorted(records, key=lambda r: (r.partition, r.offset)):
        per_key[record.key].append(record.value)
    return per_key


def wait_for_progress(kafka_bootstrap: str, topic: str, beyond: int, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while committed_count(kafka_bootstrap, topic) <= beyond:
        assert time.monotonic() < deadline, "the processor made no progress"
        time.sleep(0.1)


def test_output_equals_input_exactly_despite_repeated_sigkill(kafka_bootstrap, unique_name):
    name = unique_name("eos-copy")
    source, target, dead_letters = f"{name}-in", f"{name}-out", f"{name}-dlq"
    create_topics(kafka_bootstrap, [source, target, dead_letters], partitions=6)
    environment = {
        "RUNTIME_TEST_PROCESSOR": name,
        "RUNTIME_TEST_SOURCE": source,
        "RUNTIME_TEST_TARGET": target,
        "RUNTIME_TEST_DEAD_LETTERS": dead_letters,
        "STREAMS_STATIC_MEMBERSHIP": "1",  # the restarted instance takes its partitions straight back
    }
    spec = "tests.integration.runtime.processors:spawned_counting_copy"
    producer = PacedProducer(
        kafka_bootstrap, source, [(b"key-%d" % (i % KEYS), b"%d" % i) for i in range(RECORDS)], seconds=25
    )
    producer.start()
    rng = random.Random()
    progress_at_kills = [0]
    process = spawn(spec, kafka_bootstrap, environment, "slot-0")
    try:
        for _ in range(KILLS):
            # Once this instance has committed something, kill it at a random moment of its work.
            wait_for_progress(kafka_bootstrap, target, beyond=progress_at_kills[-1])
            time.sleep(rng.uniform(0, 1.5))
            assert process.poll() is None, "the processor died on its own"
            process.send_signal(signal.SIGKILL)
            process.wait()
            progress_at_kills.append(committed_count(kafka_bootstrap, target))
            process = spawn(spec, kafka_bootstrap, environment, "slot-0")
        producer.join()
        assert producer.error is None
        outputs = read_committed(kafka_bootstrap, target, expected=RECORDS, timeout_s=120, settle_s=3)
    finally:
        process.send_signal(signal.SIGTERM)
        exit_code = process.wait(timeout=60)

    assert exit_code == 0, "a graceful stop should finish the transaction and exit cleanly"
    assert progress_at_kills == sorted(set(progress_at_kills)), f"every instance made progress: {progress_at_kills}"
    assert progress_at_kills[-1] < RECORDS, f"every kill must land mid-stream: {progress_at_kills}"
    assert len(outputs) == RECORDS
    assert outputs_per_key(outputs) == expected_per_key()
    assert read_committed(kafka_bootstrap, dead_letters, expected=0, timeout_s=5, settle_s=0.5) == []
