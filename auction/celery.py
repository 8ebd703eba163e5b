"""The Celery application: slow side effects (email) run here, with Redis as the broker."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "auction.settings")

app = Celery("auction")
app.config_from_object("django.conf:settings", namespace="CELERY")


def _redbeat_settings() -> dict:
    """RedBeat (beat's scheduler) looks for its settings under their bare names, `redbeat_*`, which the
    CELERY_ namespace does not show it: the same values, from auction/settings.py, under those names.
    Read when the configuration is first needed, once Django's settings are loaded."""
    from django.conf import settings

    return {name.removeprefix("CELERY_").lower(): getattr(settings, name)
            for name in dir(settings) if name.startswith("CELERY_REDBEAT_")}


app.add_defaults(_redbeat_settings)
app.autodiscover_tasks()

from auction.ops import celery_metrics  # noqa: E402, F401  (Prometheus endpoints of worker and beat)
