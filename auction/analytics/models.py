"""The analytics processor's tables: the facts it joins and summarises, and the windowed results.

Only the analytics processor writes them, in the same transaction as its consumed offsets.
Free text is `TextField`, so no event the schemas accept can fail a batch by its length.
Amounts are integer minor units of `currency`; windows are [window_start, window_start + the
window size) in event time (settings.ANALYTICS_WINDOW_SECONDS).
"""
from django.db import models


class ListingFact(models.Model):
    item_id = models.UUIDField(primary_key=True)
    seller_id = models.BigIntegerField()
    seller_name = models.TextField()
    title = models.TextField()
    category = models.TextField()
    currency = models.CharField(max_length=3)
    starting_price = models.BigIntegerField()
    reserve_price = models.BigIntegerField(null=True)
    buy_now_price = models.BigIntegerField(null=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()


class BidFact(models.Model):
    bid_id = models.UUIDField(primary_key=True)
    item_id = models.UUIDField()
    bidder_id = models.BigIntegerField()
    bidder_name = models.TextField()
    amount = models.BigIntegerField(help_text="what the bidder offered")
    price = models.BigIntegerField(help_text="the item's price after the bid")
    currency = models.CharField(max_length=3)
    decided_at = models.DateTimeField()
    on_time = models.BooleanField(help_text="false: arrived after its window was final (see docs/analytics.md)")

    class Meta:
        indexes = [models.Index(fields=["item_id", "decided_at"])]


class ExtensionFact(models.Model):
    event_id = models.TextField(primary_key=True, help_text="the CloudEvents id")
    item_id = models.UUIDField(db_index=True)
    ends_at = models.DateTimeField()
    extended_at = models.DateTimeField()


class CloseFact(models.Model):
    item_id = models.UUIDField(primary_key=True)
    seller_id = models.BigIntegerField()
    outcome = models.CharField(max_length=16)
    winner_id = models.BigIntegerField(null=True)
    final_price = models.BigIntegerField(null=True)
    high_bid = models.BigIntegerField(null=True)
    bid_count = models.BigIntegerField()
    closed_at = models.DateTimeField()
    on_time = models.BooleanField()


class BidWindow(models.Model):
    """Bids per window and category (bids per minute), with the window's highest bid (Nexmark q7)."""

    window_start = models.DateTimeField()
    category = models.TextField()
    currency = models.CharField(max_length=3)
    bids = models.IntegerField()
    top_amount = models.BigIntegerField()
    top_bid_id = models.UUIDField()
    top_item_id = models.UUIDField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["window_start", "category", "currency"], name="one_bid_window")]


class ItemPane(models.Model):
    """Bids on one item in one window; a sliding window of hot items is a sum of these (Nexmark q5)."""

    window_start = models.DateTimeField(db_index=True)
    item_id = models.UUIDField()
    category = models.TextField()
    bids = models.IntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item_id", "window_start"], name="one_item_pane")]


class OutcomeWindow(models.Model):
    """Closed auctions per window, category and outcome: sell-through, and closing prices (Nexmark q4)."""

    window_start = models.DateTimeField()
    category = models.TextField()
    outcome = models.CharField(max_length=16)
    currency = models.CharField(max_length=3)
    auctions = models.IntegerField()
    price_total = models.BigIntegerField(help_text="sum of final prices")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["window_start", "category", "outcome", "currency"], name="one_outcome_window")
        ]


class AuctionSummary(models.Model):
    """One closed auction, from all of its facts (`streams.analytics.auctions.Summary`)."""

    item_id = models.UUIDField(primary_key=True)
    title = models.TextField()
    category = models.TextField()
    seller_id = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    outcome = models.CharField(max_length=16)
    closed_at = models.DateTimeField(db_index=True)
    starting_price = models.BigIntegerField()
    reserve_price = models.BigIntegerField(null=True, help_text="staff only")
    final_price = models.BigIntegerField(null=True)
    price_reached = models.BigIntegerField(null=True)
    top_bid = models.BigIntegerField(null=True)
    second_bid = models.BigIntegerField(null=True)
    spread = models.BigIntegerField(null=True)
    over_start = models.BigIntegerField(null=True)
    over_reserve = models.BigIntegerField(null=True, help_text="staff only")
    bids = models.IntegerField()
    bidders = models.IntegerField()
    first_bid_seconds = models.FloatField(null=True)
    last_minute_bids = models.IntegerField()
    last_minute_bid_share = models.FloatField(null=True)
    last_minute_price_share = models.FloatField(null=True)
    extensions = models.IntegerField()


class Participation(models.Model):
    """One bidder in one closed auction; the raw material of the suspicious-pattern candidates."""

    item_id = models.UUIDField()
    bidder_id = models.BigIntegerField(db_index=True)
    bidder_name = models.TextField()
    seller_id = models.BigIntegerField()
    bids = models.IntegerField()
    highest = models.BigIntegerField()
    won = models.BooleanField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item_id", "bidder_id"], name="one_participation")]


class LateEvent(models.Model):
    """A bid or close that arrived after its window was final: kept out of the window, counted here."""

    class Kind(models.TextChoices):
        BID = "bid"
        CLOSE = "close"

    kind = models.CharField(max_length=8, choices=Kind.choices)
    fact_id = models.CharField(max_length=64, help_text="bid id, or item id for a close")
    item_id = models.UUIDField()
    event_time = models.DateTimeField()
    window_start = models.DateTimeField(db_index=True, help_text="the window the event belongs to by its event time")
    watermark = models.DateTimeField(help_text="windows ending before this were final when it arrived")
    topic = models.CharField(max_length=255)
    partition = models.IntegerField()
    offset = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "fact_id"], name="one_late_event")]


class SourceWatermark(models.Model):
    """Latest event time seen per input partition, committed with the offsets it was computed from."""

    consumer = models.CharField(max_length=64)
    topic = models.CharField(max_length=255)
    partition = models.IntegerField()
    latest = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["consumer", "topic", "partition"], name="one_watermark_per_partition")
        ]
