"""Retry policy: bounded exponential back-off, and only for transient errors."""
import pytest

from streams.runtime.retry import RetryPolicy, TransientError, call_with_retries


class Flaky:
    def __init__(self, failures: int, error: Exception) -> None:
        self.failures, self.error, self.calls = failures, error, 0

    def __call__(self) -> str:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error
        return "done"


def test_backoff_grows_exponentially_up_to_the_cap():
    policy = RetryPolicy(attempts=6, initial_backoff_s=0.1, multiplier=3, max_backoff_s=1.0)
    assert list(policy.backoffs()) == pytest.approx([0.1, 0.3, 0.9, 1.0, 1.0])


def test_one_attempt_means_no_backoff():
    assert list(RetryPolicy(attempts=1).backoffs()) == []


def test_a_policy_must_try_at_least_once():
    with pytest.raises(ValueError):
        RetryPolicy(attempts=0)


def test_transient_errors_are_retried_until_success():
    sleeps: list[float] = []
    attempt = Flaky(2, TransientError("busy"))
    assert call_with_retries(attempt, RetryPolicy(attempts=3, initial_backoff_s=0.5), sleeps.append) == "done"
    assert attempt.calls == 3 and sleeps == [0.5, 1.0]


def test_the_last_transient_error_propagates_when_attempts_run_out():
    sleeps: list[float] = []
    attempt = Flaky(5, TransientError("still busy"))
    with pytest.raises(TransientError, match="still busy"):
        call_with_retries(attempt, RetryPolicy(attempts=3), sleeps.append)
    assert attempt.calls == 3 and len(sleeps) == 2


def test_other_errors_are_not_retried():
    sleeps: list[float] = []
    attempt = Flaky(1, ValueError("bad record"))
    with pytest.raises(ValueError):
        call_with_retries(attempt, RetryPolicy(attempts=5), sleeps.append)
    assert attempt.calls == 1 and sleeps == []
