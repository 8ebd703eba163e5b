"""Liveness, readiness and the watchdog of a processor instance, on a fake clock."""
import json
import threading

from prometheus_client import CollectorRegistry, Counter

from streams.runtime.endpoint import Endpoint
from streams.runtime.health import STUCK_ABORTS, WATCHDOG_EXIT_CODE, Health, Watchdog


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def health(clock: Clock) -> Health:
    return Health("projector", "i1", liveness_timeout_s=30, clock=clock)


def test_alive_while_stepping_and_not_after_the_timeout():
    clock = Clock()
    h = health(clock)
    clock.now += 29
    assert h.alive()
    h.stepped()
    clock.now += 29
    assert h.alive()
    clock.now += 2
    assert not h.alive() and not h.ready()


def test_ready_only_when_holding_tasks_and_not_stuck():
    clock = Clock()
    h = health(clock)
    assert not h.ready()  # joined nothing yet
    h.held([("auction.items", 0), ("auction.bids", 0)], task_count=2)
    assert h.ready()
    for _ in range(STUCK_ABORTS):
        h.aborted()
    assert not h.ready() and h.alive()
    h.committed()
    assert h.ready()
    h.held([], task_count=2)
    assert not h.ready()


def test_status_says_what_is_held_and_for_how_long_nothing_committed():
    clock = Clock()
    h = health(clock)
    h.held([("auction.items", 1), ("auction.bids", 1)], task_count=4)
    h.committed(dead_letters=2)
    clock.now += 5
    status = h.status()
    assert status["tasks_held"] == [1] and status["task_count"] == 4
    assert status["partitions_held"] == ["auction.bids:1", "auction.items:1"]
    assert status["last_commit_age_s"] == 5 and status["dead_letters"] == 2


def test_the_watchdog_ends_a_process_that_stopped_stepping():
    clock = Clock()
    h = health(clock)
    exited = threading.Event()
    codes = []

    def exit(code):
        codes.append(code)
        exited.set()

    dog = Watchdog(h, exit=exit, interval_s=0.01)
    dog.start()
    assert not exited.wait(0.1)  # stepping recently: left alone
    clock.now += 31
    assert exited.wait(5)
    assert codes == [WATCHDOG_EXIT_CODE]


def test_the_endpoint_answers_probes_and_metrics():
    clock = Clock()
    h = health(clock)
    registry = CollectorRegistry()
    Counter("records", "Records", registry=registry).inc()
    endpoint = Endpoint(registry, h)
    assert endpoint.answer("/readyz")[0] == 503
    h.held([("auction.items", 0)], task_count=1)
    assert endpoint.answer("/readyz")[0] == 200
    assert endpoint.answer("/livez")[0] == 200
    assert json.loads(endpoint.answer("/status")[2])["tasks_held"] == [0]
    assert b"records_total 1.0" in endpoint.answer("/metrics")[2]
    clock.now += 60
    assert endpoint.answer("/livez")[0] == 503
    assert endpoint.answer("/nothing")[0] == 404
