"""The Django side of the auction platform: web tier, read models, Channels and Celery."""
from auction.celery import app as celery_app

__all__ = ["celery_app"]
