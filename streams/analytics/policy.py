"""The analytics' time settings, in one value so every function judges time the same way."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from streams.settings_registry import default


@dataclass(frozen=True, slots=True)
class Policy:
    window: timedelta = timedelta(seconds=default("ANALYTICS_WINDOW_SECONDS"))
    """Size of the tumbling windows; also the pane of the sliding hot-items window."""
    allowed_lateness: timedelta = timedelta(seconds=default("ANALYTICS_ALLOWED_LATENESS_SECONDS"))
    """How far behind its partition's latest event time an event may be and still count in its window."""
    hot_window: timedelta = timedelta(seconds=default("ANALYTICS_HOT_WINDOW_SECONDS"))
    """Length of the sliding window that ranks hot items (Nexmark q5); a whole number of windows."""
    last_minute: timedelta = timedelta(minutes=1)
    """What counts as the end of an auction when measuring sniping."""

    def __post_init__(self) -> None:
        for name in ("window", "hot_window", "last_minute"):
            if getattr(self, name) <= timedelta(0):
                raise ValueError(f"{name} must be positive")
        if self.allowed_lateness < timedelta(0):
            raise ValueError("allowed_lateness cannot be negative")
        if self.hot_window % self.window:
            raise ValueError("hot_window must be a whole number of windows: it is summed from them")
