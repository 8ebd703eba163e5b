"""What part of the figures a visitor asked for: a category and a time range, in event time.

Ranges count back from the latest event time analytics has seen, not from the wall clock, so
a replayed or paused log still shows its last hour. Charts group windows into buckets sized
so a range has a readable number of points.
"""
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from streams.analytics.windows import window_start

RANGES: dict[str, tuple[str, timedelta | None]] = {
    "15m": ("Last 15 minutes", timedelta(minutes=15)),
    "1h": ("Last hour", timedelta(hours=1)),
    "6h": ("Last 6 hours", timedelta(hours=6)),
    "24h": ("Last 24 hours", timedelta(hours=24)),
    "7d": ("Last 7 days", timedelta(days=7)),
    "30d": ("Last 30 days", timedelta(days=30)),
    "all": ("All time", None),
}
DEFAULT_RANGE = "1h"
MAX_POINTS = 120
BUCKETS = tuple(
    timedelta(minutes=minutes) for minutes in (1, 5, 15, 30, 60, 180, 360, 720, 1440, 10080)
)


@dataclass(frozen=True)
class Filters:
    category: str
    """"" means every category."""
    range: str
    since: datetime | None
    """Start of the first bucket; None when there is nothing to show yet."""
    until: datetime | None
    """End of the window holding the latest event time (exclusive)."""
    bucket: timedelta

    def query_string(self) -> str:
        return urlencode({"category": self.category, "range": self.range})


def bucket_for(span: timedelta, window: timedelta) -> timedelta:
    """The smallest bucket (a whole number of windows) that cuts `span` into at most MAX_POINTS."""
    for bucket in BUCKETS:
        if bucket >= window and not bucket % window and span / bucket <= MAX_POINTS:
            return bucket
    return max(BUCKETS[-1], window)


def filters_from(
    params: Mapping[str, str],
    *,
    categories: Collection[str],
    latest: datetime | None,
    earliest: datetime | None,
    window: timedelta,
) -> Filters:
    """Lenient like the catalogue's filters: an unknown category or range falls back to the default."""
    category = params.get("category", "")
    category = category if category in categories else ""
    chosen = params.get("range", DEFAULT_RANGE)
    chosen = chosen if chosen in RANGES else DEFAULT_RANGE
    if latest is None or earliest is None:
        return Filters(category, chosen, None, None, window)
    until = window_start(latest, window) + window
    length = RANGES[chosen][1]
    start = earliest if length is None else max(until - length, earliest)
    bucket = bucket_for(until - start, window)
    return Filters(category, chosen, window_start(start, bucket), until, bucket)
