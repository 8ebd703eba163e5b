"""Watermarks and lateness: when an event is too late to change its window.

Each input partition keeps its own watermark, the latest event time seen on it. An event is
on time when it is at most `allowed_lateness` behind its partition's watermark; otherwise it
is late. Judging per partition makes the verdict depend only on the order of records within
a partition, which the log fixes: a replay of the log judges every event exactly as the live
run did, however the runtime interleaves partitions and topics. A window [s, e) is final once
every partition's watermark has passed e + allowed_lateness: no on-time event can reach it.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple


class Watermark(NamedTuple):
    """One input partition's watermark (a named tuple: the fold makes one for nearly every bid)."""

    latest: datetime | None = None
    """The latest event time seen on the partition; None before its first windowed event."""

    def admits(self, at: datetime, allowed_lateness: timedelta) -> bool:
        return self.latest is None or at >= self.latest - allowed_lateness

    def after(self, at: datetime) -> Watermark:
        """The watermark once an event at `at` has been seen; it never moves back."""
        return self if self.latest is not None and self.latest >= at else Watermark(at)

    def final_until(self, allowed_lateness: timedelta) -> datetime | None:
        """Windows ending at or before this cannot change any more."""
        return None if self.latest is None else self.latest - allowed_lateness
