"""What operators do to dead letters: replay them to the processor that failed them, or discard them with a reason.

A replay goes to that processor's retry topic, which no other processor reads, at the partition
number the record was first read from, saying where that was (`streams.runtime.redelivery`):
the processor gets the record as first read, and the other readers of its topic never see it
again. A letter is resolved once: the row lock makes two operators (or a double click) unable to
replay the same letter twice. A replayed record that fails again comes back as a new letter.
"""
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from auction.ops.deadletters import headers_from_json
from auction.ops.models import DeadLetter
from auction.publishing import send_record
from streams.runtime.redelivery import redelivery
from streams.topics import retry_topic


def _pending(ids: Iterable[int]):
    """Locked, in dead-letter order: letters of one item share a partition, so their order is kept."""
    pending = DeadLetter.objects.select_for_update().filter(pk__in=list(ids), status=DeadLetter.Status.PENDING)
    return pending.order_by("partition", "offset")


def dead_letters_replay(*, ids: Iterable[int], staff: AbstractBaseUser) -> list[DeadLetter]:
    """Produce each pending letter's original record to its processor's retry topic; returns the letters replayed."""
    replayed = []
    with transaction.atomic():
        for letter in _pending(ids):
            if not letter.replayable:
                continue
            again = redelivery(
                retry_topic(letter.processor),
                topic=letter.origin_topic,
                partition=letter.origin_partition,
                offset=letter.origin_offset,
                timestamp_ms=letter.origin_timestamp,
                key=None if letter.key is None else bytes(letter.key),
                value=None if letter.value is None else bytes(letter.value),
                headers=headers_from_json(letter.headers),
            )
            published = send_record(
                again.topic, key=again.key, value=again.value, headers=again.headers, partition=again.partition
            ).result()
            letter.status = DeadLetter.Status.REPLAYED
            letter.resolved_by, letter.resolved_at = staff, timezone.now()
            letter.replayed_topic = published.topic
            letter.replayed_partition, letter.replayed_offset = published.partition, published.offset
            letter.save(update_fields=[
                "status", "resolved_by", "resolved_at", "replayed_topic", "replayed_partition", "replayed_offset",
            ])
            replayed.append(letter)
    return replayed


def dead_letters_discard(*, ids: Iterable[int], staff: AbstractBaseUser, reason: str) -> list[DeadLetter]:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why these records are discarded."})
    with transaction.atomic():
        letters = list(_pending(ids))
        for letter in letters:
            letter.status, letter.note = DeadLetter.Status.DISCARDED, reason
            letter.resolved_by, letter.resolved_at = staff, timezone.now()
            letter.save(update_fields=["status", "note", "resolved_by", "resolved_at"])
    return letters
