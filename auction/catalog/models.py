"""Item read model, projected from auction.items, auction.bids.history and auction.items.complete,
and the web tier's record of listings sent with an attempt key (`ListingAttempt`).

Nothing but the projector writes the item; drop it and `rebuild_read_models` replays it from the log.
Free text from events is `TextField`: the event schemas and the web tier bound its length
(`streams.events.base`, `auction.text`), so no column is stricter than they are and no
event that decodes can fail the projector's write by its length.
"""
from django.db import models

from auction.catalog.categories import CATEGORIES


class Item(models.Model):
    class Status(models.TextChoices):
        OPEN = "open"
        CLOSED = "closed"

    id = models.UUIDField(primary_key=True)
    seller_id = models.BigIntegerField(db_index=True)
    seller_name = models.TextField()
    title = models.TextField()
    description = models.TextField(blank=True)
    category = models.CharField(max_length=32, choices=CATEGORIES, db_index=True)
    image_urls = models.JSONField(default=list)
    location = models.TextField(blank=True)
    currency = models.CharField(max_length=3)
    starting_price = models.BigIntegerField(help_text="minor units")
    reserve_price = models.BigIntegerField(null=True, blank=True, help_text="minor units; staff only")
    buy_now_price = models.BigIntegerField(null=True, blank=True, help_text="minor units")
    starts_at = models.DateTimeField()
    original_ends_at = models.DateTimeField()
    ends_at = models.DateTimeField(db_index=True)

    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN, db_index=True)
    current_price = models.BigIntegerField(null=True, blank=True, help_text="minor units; null = no bids")
    leader_id = models.BigIntegerField(null=True, blank=True)
    leader_name = models.TextField(blank=True)
    bid_count = models.PositiveIntegerField(default=0)
    reserve_met = models.BooleanField(null=True, blank=True)
    buy_now_available = models.BooleanField(default=True)
    seq = models.BigIntegerField(default=0, help_text="per-item sequence number of the last applied change")

    outcome = models.CharField(max_length=16, blank=True)
    winner_id = models.BigIntegerField(null=True, blank=True)
    winner_name = models.TextField(blank=True)
    final_price = models.BigIntegerField(null=True, blank=True)
    high_bid = models.BigIntegerField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "ends_at"])]

    def __str__(self) -> str:
        return self.title


class ListingAttempt(models.Model):
    """A listing sent with an attempt key, written by the web tier (not a read model: no rebuild empties it).

    Its row is taken (or found and locked) in the transaction around the publish, so a listing
    sent again waits for the first, then answers like it: never a second listing, and never a
    listing of other terms under the same id (which the bidding processor would ignore while
    the projector showed it). `published` stays false while the broker's acknowledgement is
    uncertain: the next attempt publishes `listing` again, the very same event.
    """

    item_id = models.UUIDField(primary_key=True)
    seller_id = models.BigIntegerField()
    terms_digest = models.CharField(max_length=64, help_text="auction.catalog.attempts.terms_digest")
    listing = models.JSONField(help_text="The ItemListed event as first built, to publish again unchanged")
    published = models.BooleanField(default=False, help_text="The broker acknowledged the listing")
    created_at = models.DateTimeField(auto_now_add=True)
