"""The operations plane's own records: dead letters and what operators did with them, and rebuilds."""
from django.conf import settings
from django.db import models

from streams.runtime.processor import processor_name_valid
from streams.topics import is_retry_topic


class DeadLetter(models.Model):
    """A record a processor gave up on, projected from `auction.dead-letter` by the dead-letters processor.

    The original record is kept byte for byte (key, value, headers without the `dlq.*` ones), so a
    replay produces exactly what the processor first received, to that processor alone (its retry
    topic: `streams.runtime.redelivery`). Replaying or discarding one is recorded on the row: who,
    when, why, and where the replay went.
    """

    class Status(models.TextChoices):
        PENDING = "pending"
        REPLAYED = "replayed"
        DISCARDED = "discarded"

    partition = models.IntegerField(help_text="of the dead-letter topic")
    offset = models.BigIntegerField(help_text="of the dead-letter topic")
    received_at = models.DateTimeField(help_text="when it was dead-lettered")
    # Header texts come from any producer, unchecked: no column may refuse them (the dead-letters
    # processor reads the dead-letter topic, so a letter it could not store would come back to it).
    processor = models.TextField()
    origin_topic = models.TextField(blank=True, help_text="empty for a failed timer")
    origin_partition = models.IntegerField(null=True, blank=True)
    origin_offset = models.BigIntegerField(null=True, blank=True)
    origin_timestamp = models.BigIntegerField(
        null=True, blank=True, help_text="the original record's timestamp (ms); letters of older runtimes lack it"
    )
    error_type = models.TextField()
    error = models.TextField()
    event_type = models.TextField(blank=True, help_text="ce_type, when the record had one")
    key = models.BinaryField(null=True)
    value = models.BinaryField(null=True)
    headers = models.JSONField(default=list, help_text="[[name, base64 value], …], without dlq.* headers")

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True, help_text="why it was discarded")
    replayed_topic = models.TextField(blank=True, help_text="the retry topic of the processor that failed it")
    replayed_partition = models.IntegerField(null=True, blank=True)
    replayed_offset = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["partition", "offset"], name="one_row_per_dead_letter")]

    @property
    def replayable(self) -> bool:
        """Whether it can go back to the processor that failed it, where it was first read.

        A failed timer has no topic to go back to, and a record refused on a retry topic for not
        saying where it came from has no origin: they are only listed (and may be discarded)."""
        return (
            bool(self.origin_topic)
            and not is_retry_topic(self.origin_topic)
            and self.origin_partition is not None
            and self.origin_offset is not None
            and processor_name_valid(self.processor)
        )


class RebuildRun(models.Model):
    """One rebuild of a processor's tables from the log, from the ops page or the command line."""

    class Status(models.TextChoices):
        RUNNING = "running"
        SUCCEEDED = "succeeded"
        FAILED = "failed"

    processor = models.CharField(max_length=64, default="projector", help_text="the processor whose tables were rebuilt")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True)
    heartbeat_at = models.DateTimeField(auto_now_add=True, help_text="last progress report; a stale one means the run died")
    finished_at = models.DateTimeField(null=True, blank=True)
    records_done = models.BigIntegerField(default=0)
    records_total = models.BigIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
