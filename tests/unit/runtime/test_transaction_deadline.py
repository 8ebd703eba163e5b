"""`transactions._Deadline`: a transactional call that never returns is given up, and the thread left
blocked on it does not keep the process alive once it is asked to stop.

A processor whose commit timed out once (a broker died mid-transaction) used to hang at exit: the
abandoned call's worker was an executor thread, which Python joins at exit, so SIGTERM ended the
loop ("stopped") but not the process, until a supervisor SIGKILLed it (seen in the cluster chaos test).
"""
import subprocess
import sys
import threading

import pytest

from streams.runtime.transactions import CommitTimeout, _Deadline

BLOCKED_FOR_GOOD = """
import threading
from streams.runtime.transactions import CommitTimeout, _Deadline

deadline = _Deadline(0.05)
try:
    deadline.call(threading.Event().wait)  # a producer call that never comes back
except CommitTimeout:
    print("gave up", flush=True)
deadline.abandon()
"""


def test_a_call_that_outlasts_its_time_raises_commit_timeout_and_the_next_deadline_serves_calls():
    never = threading.Event()
    deadline = _Deadline(0.05)
    with pytest.raises(CommitTimeout, match="wait took over 0.05 s"):
        deadline.call(never.wait)
    deadline.abandon()
    assert _Deadline(5).call(lambda a, b: a + b, 2, 3) == 5
    never.set()


def test_an_error_of_the_call_is_raised_as_it_is():
    deadline = _Deadline(5)
    with pytest.raises(ZeroDivisionError):
        deadline.call(lambda: 1 / 0)
    assert deadline.call(lambda: "next") == "next"


def test_a_process_with_a_call_blocked_for_good_still_exits():
    # the timeout only keeps a regression from hanging the suite: the process exits at once when fixed
    done = subprocess.run([sys.executable, "-c", BLOCKED_FOR_GOOD], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout) == (0, "gave up\n"), done.stderr
