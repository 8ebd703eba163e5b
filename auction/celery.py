"""The Celery application: slow side effects (email) run here, with Redis as the broker."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "auction.settings")

app = Celery("auction")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

from auction.ops import celery_metrics  # noqa: E402, F401  (Prometheus endpoints of worker and beat)
