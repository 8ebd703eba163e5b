"""Bid read model: every decision of the bidding processor, projected from auction.bids.history.

Free text from events is `TextField`, so no event that decodes can fail the write by its length.
"""
from django.db import models


class Bid(models.Model):
    class Status(models.TextChoices):
        ACCEPTED = "accepted"
        REJECTED = "rejected"

    id = models.UUIDField(primary_key=True, help_text="the bid_id of BidPlaced")
    item_id = models.UUIDField(db_index=True)
    bidder_id = models.BigIntegerField(db_index=True)
    bidder_name = models.TextField()
    amount = models.BigIntegerField(help_text="minor units")
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=8, choices=Status.choices)
    reason_code = models.CharField(max_length=32, blank=True)
    reason = models.TextField(blank=True)
    minimum = models.BigIntegerField(null=True, blank=True)
    price_after = models.BigIntegerField(null=True, blank=True)
    leader_after_id = models.BigIntegerField(null=True, blank=True)
    seq = models.BigIntegerField(null=True, blank=True)
    decided_at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["item_id", "decided_at"])]
