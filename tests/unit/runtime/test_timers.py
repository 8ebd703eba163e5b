"""Timers: due order, replacement, cancellation, and surviving a restart through the changelog."""
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from streams.runtime.context import from_ms, to_ms
from streams.runtime.state import KeyValueStore
from streams.runtime.tasks import TaskState
from streams.runtime.timers import TIMERS_STORE, Timer, TimerQueue


def queue() -> TimerQueue:
    return TimerQueue(KeyValueStore(TIMERS_STORE, 0))


def drain(timers: TimerQueue, now_ms: int) -> list[Timer]:
    fired = []
    while (timer := timers.pop_due(now_ms)) is not None:
        fired.append(timer)
    return fired


def test_due_timers_fire_in_time_order_and_later_ones_wait():
    timers = queue()
    timers.schedule("late", 300, "l")
    timers.schedule("early", 100, "e")
    timers.schedule("middle", 200, None)
    assert timers.next_due_ms() == 100
    assert drain(timers, 250) == [Timer("early", 100, "e"), Timer("middle", 200, None)]
    assert timers.next_due_ms() == 300
    assert drain(timers, 299) == []


def test_scheduling_a_key_again_replaces_its_timer():
    timers = queue()
    timers.schedule("item", 100)
    timers.schedule("item", 500, "extended")
    assert drain(timers, 400) == []
    assert drain(timers, 500) == [Timer("item", 500, "extended")]


def test_cancelled_timers_never_fire():
    timers = queue()
    timers.schedule("item", 100)
    timers.cancel("item")
    assert timers.next_due_ms() is None
    assert drain(timers, 1_000) == []


def test_timers_survive_a_restart_through_the_changelog():
    before = TaskState(3, [TIMERS_STORE])
    before.timers.schedule("a", 100, {"n": 1})
    before.timers.schedule("b", 50)
    changelog = before.stores[TIMERS_STORE].changes()

    after = TaskState(3, [TIMERS_STORE])
    for key, value in changelog.items():
        after.stores[TIMERS_STORE].restore(key, value)
    after.restored()
    assert drain(after.timers, 100) == [Timer("b", 50, None), Timer("a", 100, {"n": 1})]


def test_an_aborted_transaction_brings_fired_timers_back():
    task = TaskState(0, [TIMERS_STORE])
    task.timers.schedule("a", 100)
    task.mark_committed()
    assert drain(task.timers, 100) == [Timer("a", 100, None)]
    task.rollback()
    assert drain(task.timers, 100) == [Timer("a", 100, None)]


schedules = st.lists(
    st.tuples(st.sampled_from(["schedule", "cancel"]), st.sampled_from("abcdef"), st.integers(0, 1000)), max_size=40
)


@given(schedules, st.integers(0, 1000))
def test_exactly_the_due_timers_fire_once_each_in_time_order(operations, now_ms):
    timers, expected = queue(), {}
    for op, key, at_ms in operations:
        if op == "schedule":
            timers.schedule(key, at_ms)
            expected[key] = at_ms
        else:
            timers.cancel(key)
            expected.pop(key, None)
    fired = drain(timers, now_ms)
    assert sorted((t.key, t.at_ms) for t in fired) == sorted((k, at) for k, at in expected.items() if at <= now_ms)
    assert [t.at_ms for t in fired] == sorted(t.at_ms for t in fired)
    assert drain(timers, now_ms) == []


@given(st.integers(0, 4_102_444_800_000))  # up to 2100
def test_a_timer_set_for_a_moment_is_due_at_exactly_its_millisecond(ms):
    assert to_ms(from_ms(ms)) == ms
    assert to_ms(from_ms(ms) + timedelta(microseconds=999)) == ms  # floored, as record timestamps are
