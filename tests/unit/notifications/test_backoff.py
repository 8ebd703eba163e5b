from hypothesis import given
from hypothesis import strategies as st

from auction.notifications.backoff import retry_delay


def test_delays_double_from_the_base():
    assert [retry_delay(n, base_s=30, cap_s=10_000) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]


@given(st.integers(1, 200), st.floats(0.1, 100), st.floats(1, 10_000))
def test_delays_never_shrink_and_never_pass_the_cap(attempts, base, cap):
    delay = retry_delay(attempts, base_s=base, cap_s=cap)
    assert delay <= cap
    assert retry_delay(attempts + 1, base_s=base, cap_s=cap) >= delay
