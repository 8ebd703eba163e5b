"""Changes to analytics made from outside the processor."""
from django.db import transaction

from auction.analytics.processor import TABLES


def analytics_reset(*, consumer: str) -> None:
    """Empty every analytics table and forget the consumer's watermarks and offsets, so the processor rebuilds all by replay.

    Stop the processor first: it would otherwise go on from the offsets it holds in memory.
    (`manage.py rebuild analytics` rebuilds them with the processor running.)
    """
    with transaction.atomic():
        TABLES.forget(consumer)
