"""What operators do to dead letters: replay them to where they came from, or discard them with a reason.

A letter is resolved once: the row lock makes two operators (or a double click) unable to
replay the same letter twice. A replayed record that fails again comes back as a new letter.
"""
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from auction.ops.deadletters import headers_from_json
from auction.ops.models import DeadLetter
from auction.publishing import publish_record


def _pending(ids: Iterable[int]):
    """Locked, in dead-letter order: letters of one item share a partition, so their order is kept."""
    pending = DeadLetter.objects.select_for_update().filter(pk__in=list(ids), status=DeadLetter.Status.PENDING)
    return pending.order_by("partition", "offset")


def dead_letters_replay(*, ids: Iterable[int], staff: AbstractBaseUser) -> list[DeadLetter]:
    """Produce each pending letter's original record to its original topic; returns the letters replayed."""
    replayed = []
    with transaction.atomic():
        for letter in _pending(ids):
            if not letter.replayable:
                continue
            published = publish_record(
                letter.origin_topic,
                key=None if letter.key is None else bytes(letter.key),
                value=None if letter.value is None else bytes(letter.value),
                headers=headers_from_json(letter.headers),
            )
            letter.status = DeadLetter.Status.REPLAYED
            letter.resolved_by, letter.resolved_at = staff, timezone.now()
            letter.replayed_partition, letter.replayed_offset = published.partition, published.offset
            letter.save(update_fields=["status", "resolved_by", "resolved_at", "replayed_partition", "replayed_offset"])
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
