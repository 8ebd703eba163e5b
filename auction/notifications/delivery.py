"""Sending one ledger row, at most once, and recording what happened.

The row is locked (`SELECT … FOR UPDATE SKIP LOCKED`) and checked to be pending at the attempt
the caller expects, the email goes to the SMTP server, and the row is marked sent in the same
transaction. So a redelivered task, a second worker or a resend of a stalled row finds it sent
(or locked, or already past that attempt) and does nothing. The one window left: the SMTP
server accepts the message and the process dies before the commit; the row is then sent again
(same Message-ID). See docs/notifications.md.
"""
import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from auction.notifications.backoff import retry_delay
from auction.notifications.composing import compose
from auction.notifications.models import Notification

log = logging.getLogger(__name__)
ERROR_CHARS = 2000


def notification_deliver(*, notification_id: int, attempt: int) -> float | None:
    """Try to send a pending row; returns seconds until the next attempt, or None when nothing more is to do."""
    with transaction.atomic():
        entry = (
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk=notification_id, status=Notification.Status.PENDING, attempts=attempt)
            .first()
        )
        if entry is None:  # done, being sent right now, or another task owns a later attempt
            return None
        try:
            message = compose(entry)
            if message is not None:
                message.send()
        except Exception as error:  # any failure to send counts against the row; the last one is recorded
            return _attempt_failed(entry, error)
        entry.attempts += 1
        if message is None:
            entry.status = Notification.Status.SKIPPED
        else:
            entry.status, entry.sent_at = Notification.Status.SENT, timezone.now()
        entry.save(update_fields=["attempts", "status", "sent_at"])
        return None


def _attempt_failed(entry: Notification, error: Exception) -> float | None:
    entry.attempts += 1
    entry.last_error = f"{type(error).__name__}: {error}"[:ERROR_CHARS]
    if entry.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
        entry.status = Notification.Status.FAILED
        entry.save(update_fields=["attempts", "last_error", "status"])
        log.error("notification %s failed for good after %s attempts: %s", entry.pk, entry.attempts, entry.last_error)
        return None
    delay = retry_delay(entry.attempts, base_s=settings.NOTIFY_RETRY_BASE_SECONDS, cap_s=settings.NOTIFY_RETRY_MAX_SECONDS)
    entry.next_attempt_at = timezone.now() + timedelta(seconds=delay)
    entry.save(update_fields=["attempts", "last_error", "next_attempt_at"])
    log.warning("notification %s attempt %s failed, retrying in %.0f s: %s", entry.pk, entry.attempts, delay, entry.last_error)
    return delay


def stalled_claim(*, due_before: datetime, limit: int) -> list[tuple[int, int]]:
    """(id, attempt) of pending rows whose attempt was due before `due_before`: their task was lost,
    or is held by a worker that died. Their due time moves to now, so the next sweep leaves them
    alone while the new tasks run."""
    with transaction.atomic():
        stalled = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(status=Notification.Status.PENDING, next_attempt_at__lt=due_before)
            .order_by("next_attempt_at")
            .values_list("pk", "attempts")[:limit]
        )
        Notification.objects.filter(pk__in=[pk for pk, _ in stalled]).update(next_attempt_at=timezone.now())
    return stalled
