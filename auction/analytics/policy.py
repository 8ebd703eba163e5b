"""The analytics time policy as configured in settings (ANALYTICS_*)."""
from datetime import timedelta

from django.conf import settings

from streams.analytics.policy import Policy


def analytics_policy() -> Policy:
    return Policy(
        window=timedelta(seconds=settings.ANALYTICS_WINDOW_SECONDS),
        allowed_lateness=timedelta(seconds=settings.ANALYTICS_ALLOWED_LATENESS_SECONDS),
        hot_window=timedelta(seconds=settings.ANALYTICS_HOT_WINDOW_SECONDS),
    )
