"""What staff work with that the public never sees.

`PlacedBid` and `AuditEntry` are read models: only the projector writes them, from
`auction.bids` and `auction.items`, and `rebuild_read_models` replays them from the log.
Text taken from records (names, reasons, event ids) is `TextField`, so no record that decodes can
fail the projector's write by its length. Suspensions are account state: `auction.accounts`.
"""
from django.db import models

from auction.catalog.models import Item


class PlacedBid(models.Model):
    """A bid as the bidder sent it, private maximum included (the public history never has it)."""

    bid_id = models.UUIDField(primary_key=True)
    item_id = models.UUIDField(db_index=True)
    bidder_id = models.BigIntegerField(db_index=True)
    bidder_name = models.TextField()
    amount = models.BigIntegerField(help_text="minor units")
    max_amount = models.BigIntegerField(null=True, blank=True, help_text="minor units; null = no proxy maximum")
    currency = models.CharField(max_length=3)
    placed_at = models.DateTimeField()


class AuditEntry(models.Model):
    """One intervention in an auction: staff cancelling, ending, extending or relisting it, or a seller withdrawing it."""

    class Action(models.TextChoices):
        CANCELLED = "cancelled"
        ENDED = "ended", "ended early"
        EXTENDED = "extended"
        RELISTED = "relisted"

    event_id = models.TextField(unique=True, help_text="ce_id of the event: replays change nothing")
    item_id = models.UUIDField(db_index=True)
    related_item_id = models.UUIDField(null=True, blank=True, db_index=True, help_text="for a relist: the unsold item")
    action = models.CharField(max_length=16, choices=Action.choices)
    acted_by = models.BigIntegerField(null=True, blank=True, help_text="staff member's account id; null = the seller")
    reason = models.TextField(blank=True)
    ends_at = models.DateTimeField(null=True, blank=True, help_text="for an extension: the requested end")
    at = models.DateTimeField(help_text="when the event was produced")

    class Meta:
        verbose_name_plural = "audit entries"
        ordering = ["at", "id"]


class ResultManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(status=Item.Status.CLOSED)


class Result(Item):
    """A closed auction, as the admin's "results" list shows it."""

    objects = ResultManager()

    class Meta:
        proxy = True
