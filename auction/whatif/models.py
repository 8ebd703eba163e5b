"""A "what if" run and the auctions it found would come out otherwise, kept for staff to open later."""
from django.conf import settings
from django.db import models


class WhatIfRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        SUCCEEDED = "succeeded"
        FAILED = "failed"

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    range_start = models.DateTimeField(help_text="the first moment of the log read (inclusive)")
    range_end = models.DateTimeField(help_text="where the log read stops (exclusive)")
    rules = models.JSONField(help_text="the rule change: auction.whatif.rules.rules_as_json")

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    records_done = models.BigIntegerField(default=0, help_text="offsets read so far")
    records_total = models.BigIntegerField(default=0, help_text="offsets in the range")
    error = models.TextField(blank=True)

    auctions = models.IntegerField(default=0, help_text="auctions listed in the range, decided twice")
    differing = models.IntegerField(default=0)
    skipped = models.IntegerField(default=0, help_text="requests on items listed before the range")
    unreadable = models.IntegerField(default=0, help_text="records the live processor dead-lettered too (undecodable, terms refused)")
    totals = models.JSONField(
        default=dict, help_text="{currency: {before: {...}, after: {...}}}: auctions, ended, sold, revenue (minor units), extensions"
    )
    changed_fields = models.JSONField(default=dict, help_text="{field: auctions differing in it}")

    class Meta:
        ordering = ["-created_at", "-id"]

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)

    @property
    def percent_done(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        return 0 if not self.records_total else min(99, self.records_done * 100 // self.records_total)


class WhatIfDifference(models.Model):
    """One auction whose outcome the rule change would change; prices in the item currency's minor units."""

    run = models.ForeignKey(WhatIfRun, on_delete=models.CASCADE, related_name="differences")
    item_id = models.UUIDField()
    currency = models.CharField(max_length=3)
    changed = models.JSONField(help_text="the compared fields that differ")
    outcome_before = models.CharField(max_length=20, blank=True, help_text="empty: still open at the range's end")
    outcome_after = models.CharField(max_length=20, blank=True)
    winner_before = models.TextField(blank=True)
    winner_after = models.TextField(blank=True)
    price_before = models.BigIntegerField(null=True)
    price_after = models.BigIntegerField(null=True)
    extensions_before = models.IntegerField()
    extensions_after = models.IntegerField()
    ends_at_before = models.DateTimeField()
    ends_at_after = models.DateTimeField()

    class Meta:
        ordering = ["run", "item_id"]
        constraints = [models.UniqueConstraint(fields=["run", "item_id"], name="one_difference_per_auction_and_run")]
