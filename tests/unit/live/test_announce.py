"""The announcer: many changes make one message per interval, and a change during the wait is not lost."""
import queue

from auction.live.announce import Announcer

WAIT_S = 10  # generous: only how long a broken announcer takes to fail the test


def _announcer():
    sent: queue.Queue = queue.Queue()
    slept: queue.Queue = queue.Queue()
    gate: queue.Queue = queue.Queue()

    def sleep(seconds: float) -> None:  # the interval ends when the test says so
        slept.put(seconds)
        gate.get()  # a daemon thread: left waiting when the test ends

    announcer = Announcer(lambda: sent.put("changed"), interval_s=1.0, sleep=sleep)
    return announcer, sent, slept, gate


def test_a_burst_of_changes_sends_one_message_then_one_after_the_interval():
    announcer, sent, slept, gate = _announcer()
    for _ in range(50):
        announcer.changed()
    assert sent.get(timeout=WAIT_S) == "changed"
    assert slept.get(timeout=WAIT_S) == 1.0  # now waiting out the interval: nothing more may go out
    for _ in range(50):
        announcer.changed()
    assert sent.empty()
    gate.put("interval over")
    assert sent.get(timeout=WAIT_S) == "changed"  # the changes made during the wait, in one message
    assert slept.get(timeout=WAIT_S) == 1.0
    assert sent.empty()


def test_a_failing_send_does_not_stop_later_announcements():
    calls = queue.Queue()

    def send():
        calls.put("try")
        if calls.qsize() == 1:
            raise ConnectionError("redis away")

    gate: queue.Queue = queue.Queue()
    announcer = Announcer(send, sleep=lambda _: gate.get())
    announcer.changed()
    announcer.changed()
    gate.put("over")
    calls.get(timeout=WAIT_S)
    announcer.changed()
    gate.put("over")
    assert calls.get(timeout=WAIT_S) == "try"
