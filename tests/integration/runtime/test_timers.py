"""Timers live in changelogged state: scheduled before a crash, they fire after the restart, once."""
import signal
import time
from collections import Counter

from tests.integration.runtime.support import create_topics, produce, read_committed, spawn

TIMERS = 300


def test_timers_scheduled_before_a_crash_fire_after_the_restart_exactly_once(kafka_bootstrap, unique_name):
    name = unique_name("timers")
    source, target, dead_letters = f"{name}-in", f"{name}-out", f"{name}-dlq"
    create_topics(kafka_bootstrap, [source, target, dead_letters], partitions=3)
    environment = {
        "RUNTIME_TEST_PROCESSOR": name,
        "RUNTIME_TEST_SOURCE": source,
        "RUNTIME_TEST_TARGET": target,
        "RUNTIME_TEST_DEAD_LETTERS": dead_letters,
        "STREAMS_STATIC_MEMBERSHIP": "1",
    }
    spec = "tests.integration.runtime.processors:spawned_delayed_echo"
    # Delays from 2 s to 8 s: some timers fire before the crash, the rest only after the restart.
    produce(kafka_bootstrap, source, [(b"timer-%d" % i, b"%d" % (2_000 + 20 * i)) for i in range(TIMERS)])
    process = spawn(spec, kafka_bootstrap, environment, "slot-0")
    try:
        read_committed(kafka_bootstrap, target, expected=TIMERS, timeout_s=30, settle_s=0)  # all scheduled
        time.sleep(2.5)
        process.send_signal(signal.SIGKILL)
        process.wait()
        before_restart = read_committed(kafka_bootstrap, target, expected=TIMERS, timeout_s=10, settle_s=0.5)
        process = spawn(spec, kafka_bootstrap, environment, "slot-0")
        outputs = read_committed(kafka_bootstrap, target, expected=2 * TIMERS, timeout_s=60, settle_s=2)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)

    fired_before = Counter(r.key for r in before_restart if r.value.startswith(b"fired"))
    fired = Counter(r.key for r in outputs if r.value.startswith(b"fired"))
    assert Counter(r.key for r in outputs if r.value == b"scheduled") == {b"timer-%d" % i: 1 for i in range(TIMERS)}
    assert 0 < len(fired_before) < TIMERS, "the crash must come after some timers fired and before the others"
    assert fired == {b"timer-%d" % i: 1 for i in range(TIMERS)}
    assert all(r.value == b"fired|payload" for r in outputs if r.value.startswith(b"fired"))
