"""Rebalancing: instances joining and leaving move partitions, with their state, without losing work.

Two instances of the counting copy share the input: the second starts mid-stream (partitions
move to it cooperatively), then the first stops mid-stream (everything moves to the second).
Every output names the instance that made it, so the test sees keys that changed hands, and
the counts carried in the outputs show that the state each moved partition was restored to
is exactly the state it had before.
"""
import signal
import time
from collections import defaultdict

from tests.integration.runtime.support import PacedProducer, create_topics, header, read_committed, spawn
from tests.integration.runtime.test_exactly_once import outputs_per_key

RECORDS = 40_000
KEYS = 600


def test_partitions_and_their_state_move_between_instances_exactly(kafka_bootstrap, unique_name):
    name = unique_name("rebalance-copy")
    source, target, dead_letters = f"{name}-in", f"{name}-out", f"{name}-dlq"
    create_topics(kafka_bootstrap, [source, target, dead_letters], partitions=6)
    environment = {
        "RUNTIME_TEST_PROCESSOR": name,
        "RUNTIME_TEST_SOURCE": source,
        "RUNTIME_TEST_TARGET": target,
        "RUNTIME_TEST_DEAD_LETTERS": dead_letters,
        "STREAMS_SESSION_TIMEOUT_MS": "6000",
    }
    spec = "tests.integration.runtime.processors:spawned_counting_copy"
    producer = PacedProducer(
        kafka_bootstrap, source, [(b"key-%d" % (i % KEYS), b"%d" % i) for i in range(RECORDS)], seconds=15
    )
    producer.start()
    first = spawn(spec, kafka_bootstrap, environment, "first")
    second = None
    try:
        time.sleep(4)
        second = spawn(spec, kafka_bootstrap, environment, "second")
        time.sleep(5)
        first.send_signal(signal.SIGTERM)
        assert first.wait(timeout=30) == 0
        producer.join()
        assert producer.error is None
        outputs = read_committed(kafka_bootstrap, target, expected=RECORDS, timeout_s=90, settle_s=3)
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=60)

    expected = defaultdict(list)
    for index in range(RECORDS):
        key = b"key-%d" % (index % KEYS)
        expected[key].append(b"%d|%d" % (index, len(expected[key]) + 1))
    assert len(outputs) == RECORDS
    assert outputs_per_key(outputs) == expected

    instances_by_key = defaultdict(list)
    for record in sorted(outputs, key=lambda r: (r.partition, r.offset)):
        instance = header(record, "instance")
        if not instances_by_key[record.key] or instances_by_key[record.key][-1] != instance:
            instances_by_key[record.key].append(instance)
    handovers = {tuple(sequence) for sequence in instances_by_key.values()}
    # Some keys moved to the second instance when it joined, and the rest when the first left;
    # their counts continued where the first instance's left off (checked above), so the moved
    # state was restored intact from the changelog.
    assert (b"first", b"second") in handovers
    assert all(sequence[-1] == b"second" for sequence in instances_by_key.values())
