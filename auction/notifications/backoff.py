"""How long a failed send waits before the next attempt: exponential, capped."""


def retry_delay(attempts: int, *, base_s: float, cap_s: float) -> float:
    """Seconds to wait after the `attempts`-th failed attempt (1, 2, …): base, 2×base, 4×base … up to cap."""
    return min(cap_s, base_s * 2 ** max(0, attempts - 1))
