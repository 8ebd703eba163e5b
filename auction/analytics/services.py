"""Changes to analytics made from outside the processor."""
from django.db import transaction

from auction.analytics import models
from auction.projector.models import ConsumedOffset

RESULT_TABLES = (
    models.ListingFact,
    models.BidFact,
    models.ExtensionFact,
    models.CloseFact,
    models.BidWindow,
    models.ItemPane,
    models.OutcomeWindow,
    models.AuctionSummary,
    models.Participation,
    models.LateEvent,
)
"""Every table the analytics processor derives from the log (its watermarks and offsets aside)."""


def analytics_reset(*, consumer: str) -> None:
    """Empty every analytics table and forget the consumer's offsets, so the processor rebuilds all by replay.

    Stop the processor first: it would otherwise go on from the offsets it holds in memory.
    """
    with transaction.atomic():
        for model in RESULT_TABLES:
            model.objects.all().delete()
        models.SourceWatermark.objects.filter(consumer=consumer).delete()
        ConsumedOffset.objects.filter(consumer=consumer).delete()
