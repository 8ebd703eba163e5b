"""The notification ledger, people's choices (preferences, watchlist), the processor's state and captured demo mail."""
from django.conf import settings
from django.db import models
from django.utils import timezone

from auction.notifications.kinds import OPTIONAL, Kind


class Notification(models.Model):
    """The ledger: one row per email the platform decided to send, keyed by (event id, recipient, kind).

    The key is what makes sending idempotent: a replayed event finds its rows already there, and
    a send task only sends a row it holds locked while it is still pending.
    """

    class Status(models.TextChoices):
        PENDING = "pending"
        SENT = "sent"
        FAILED = "failed"
        """Every attempt failed; staff can see the error and retry it."""
        SKIPPED = "skipped"
        """The recipient had no account or email address left when it was time to send."""

    event_id = models.TextField(help_text="the event that caused it (or the reminder's own key)")
    recipient_id = models.BigIntegerField(db_index=True)
    kind = models.CharField(max_length=16, choices=[(kind.value, kind.name.replace("_", " ").lower()) for kind in Kind])
    item_id = models.UUIDField(db_index=True)
    details = models.JSONField(help_text="what the email states, frozen when the event happened")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event_id", "recipient_id", "kind"], name="one_notification_per_event_recipient_kind")
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.kind} to #{self.recipient_id} ({self.status})"


class Preference(models.Model):
    """Which optional emails a person gets; no row means all of them."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+")
    outbid = models.BooleanField(default=True, help_text="Tell me when someone outbids me")
    ending_soon = models.BooleanField(default=True, help_text="Remind me before an item I watch ends")

    def wants(self, kind: Kind) -> bool:
        return kind not in OPTIONAL or getattr(self, kind.value)


class Watch(models.Model):
    """An item on someone's watchlist; `reminded_at` is set once its ending-soon email is in the ledger."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    item_id = models.UUIDField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "item_id"], name="watch_an_item_once")]


class TrackedItem(models.Model):
    """The notifications processor's state about an open item, committed with its offsets.

    Text fields are unbounded on purpose: whatever a valid event carries must fit, because a
    row that cannot be written would stop the processor at that event.
    """

    item_id = models.UUIDField(primary_key=True)
    seller_id = models.BigIntegerField()
    seller_name = models.TextField()
    title = models.TextField()
    image_url = models.TextField(blank=True)
    currency = models.CharField(max_length=3)
    cancel_reason = models.TextField(blank=True)


class TrackedBidder(models.Model):
    """A bidder of an open item, as the notifications processor knows them."""

    item_id = models.UUIDField()
    bidder_id = models.BigIntegerField()
    highest = models.BigIntegerField(help_text="highest accepted bid, minor units")
    outbid_told_at = models.DateTimeField(null=True, help_text="event time of the last outbid email decided")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item_id", "bidder_id"], name="track_a_bidder_once")]


class CapturedMail(models.Model):
    """A message the demo's local SMTP server received, for staff to read in the browser."""

    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    sender = models.CharField(max_length=320)
    recipients = models.JSONField()
    subject = models.CharField(max_length=300, blank=True)
    message = models.TextField(help_text="the whole message as received (RFC 5322)")
