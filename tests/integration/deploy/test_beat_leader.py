"""Celery beat is no single point and runs nothing twice: two beat nodes against the real Redis of the
stack share one schedule and one leader lock (RedBeat). Only the leader sends the periodic tasks;
when it dies (SIGKILL: the lock is not released, it expires), the other takes over.

What each node sent is read from the queue itself: the tasks wait in a Redis list no worker consumes,
and every task message names the process that sent it (`origin`, `gen<pid>@<host>`).
"""
import json
import os
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis

from tests.integration.notifications.support import celery_beat
from tests.support.waiting import eventually

PERIODIC = ("auction.notifications.tasks.resend_stalled", "auction.notifications.tasks.remind_ending_soon")
SENDS_EACH = 2
TAKEOVER_TIMEOUT_S = 60


@pytest.fixture
def beat_env(redis_url):
    queue, prefix = f"beat-leader-{uuid.uuid4().hex[:8]}", f"beat-leader-{uuid.uuid4().hex[:8]}:"
    client = redis.Redis.from_url(redis_url)
    yield {
        "REDIS_URL": redis_url,
        "NOTIFY_QUEUE": queue,  # the periodic tasks go there, and stay: no worker reads it
        "NOTIFY_SWEEP_SECONDS": "1",
        "BEAT_KEY_PREFIX": prefix,  # both nodes: one schedule, one lock
        "BEAT_MAX_LOOP_SECONDS": "1",
        "BEAT_LOCK_SECONDS": "3",
    }
    client.delete(queue, *client.scan_iter(match=f"{prefix}*"))


def _sent(redis_url: str, queue: str) -> list[tuple[str, int]]:
    """(task, sender's pid) of every message in the queue, oldest first."""
    messages = [json.loads(raw) for raw in reversed(redis.Redis.from_url(redis_url).lrange(queue, 0, -1))]
    return [(m["headers"]["task"], int(m["headers"]["origin"].split("@")[0].removeprefix("gen"))) for m in messages]


def _each_sent(sent: list[tuple[str, int]], times: int) -> bool:
    counts = Counter(task for task, _ in sent)
    return all(counts[task] >= times for task in PERIODIC)


def test_two_beat_nodes_send_each_periodic_task_from_the_leader_only_and_the_other_takes_over(
    beat_env, redis_url, tmp_path
):
    env = {**os.environ, **beat_env}
    queue = beat_env["NOTIFY_QUEUE"]
    folders = [tmp_path / "a", tmp_path / "b"]
    for folder in folders:
        folder.mkdir()
    nodes = [celery_beat(env, folder) for folder in folders]
    try:
        with ThreadPoolExecutor(len(nodes)) as starting:  # both start at once: half the wait
            list(starting.map(lambda node: node.start(), nodes))
        both_up = len(_sent(redis_url, queue))  # the first node may have sent some while the second started
        eventually(lambda: _each_sent(_sent(redis_url, queue)[both_up:], SENDS_EACH), timeout_s=TAKEOVER_TIMEOUT_S,
                   what=f"each periodic task sent {SENDS_EACH} times while both nodes run")
        senders = {pid for _, pid in _sent(redis_url, queue)[both_up:]}
        pids = {node.proc.pid: node for node in nodes}
        assert len(senders) == 1, f"both beat nodes sent tasks: {senders}"
        (leader_pid,) = senders
        leader = pids[leader_pid]
        (standby,) = [node for pid, node in pids.items() if pid != leader_pid]
        assert standby.proc.poll() is None, "the standby node gave up instead of waiting for the lock"

        leader.kill()
        before = len(_sent(redis_url, queue))
        eventually(lambda: _each_sent(_sent(redis_url, queue)[before:], SENDS_EACH), timeout_s=TAKEOVER_TIMEOUT_S,
                   what=f"the standby to take over and send each periodic task {SENDS_EACH} times")
        after = _sent(redis_url, queue)[before:]
    finally:
        for node in nodes:
            node.stop()

    assert {pid for _, pid in after} == {standby.proc.pid}
