"""Event-time windows aligned to the Unix epoch, so every instance and every replay cuts time alike."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def window_start(at: datetime, size: timedelta) -> datetime:
    """Start of the tumbling window of `size` that holds `at` (windows are half-open: [start, start + size))."""
    return EPOCH + ((at - EPOCH) // size) * size


def sliding_span(latest: datetime, size: timedelta, pane: timedelta) -> tuple[datetime, datetime]:
    """[start, end) of the sliding window of `size` that ends with the pane holding `latest`.

    A sliding window that advances by one pane is the sum of its panes, so it is read from
    the tumbling windows already stored instead of being kept per slide.
    """
    end = window_start(latest, pane) + pane
    return end - size, end
