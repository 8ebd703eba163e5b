"""Records per second from two (time, offset total) readings of the same series."""
from __future__ import annotations


def rate(previous: tuple[float, int] | None, current: tuple[float, int]) -> float | None:
    """Growth per second between the readings; None without an earlier one to compare with."""
    if previous is None or current[0] <= previous[0]:
        return None
    return max(0, current[1] - previous[1]) / (current[0] - previous[0])
