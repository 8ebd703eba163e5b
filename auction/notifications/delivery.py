"""Sending ledger rows in batches over one SMTP connection, each row at most once, and recording what happened.

A batch is a list of (row id, attempt). Its rows and their people are read in two queries, and
its emails go over one SMTP session (`outbox.Outbox`). Each row still commits on its own: in a
transaction of its own one statement locks the row (`FOR UPDATE SKIP LOCKED`) if it is pending
at the attempt the batch is for and writes it as sent, its email goes to the server, and the
transaction commits once the server accepted it (or writes the failure instead). So a row is
marked sent only once the server accepted its email, and every email the server accepted
before it is already marked. A redelivered batch, a second worker or a resend of a
stalled row finds a row sent (or locked, or already past that attempt) and leaves it alone.
The one window left is the same as when each email had a task of its own: the server accepts
a message and the process dies before that row's commit; that one row is sent again (same
Message-ID). One email failing (a refused address, a template error) fails only its own row,
which is retried on its own schedule. See docs/explanation/notifications.md.
"""
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from auction.notifications.backoff import retry_delay
from auction.notifications.composing import COUNTERPARTS, compose
from auction.notifications.models import Notification
from auction.notifications.outbox import Outbox
from auction.notifications.selectors import recipients_of

log = logging.getLogger(__name__)
ERROR_CHARS = 2000

Send = tuple[int, int]
"""(ledger row id, the attempt it is for)."""


@dataclass(frozen=True)
class Retry:
    """A row whose attempt failed and that has attempts left: try `attempt` in `delay_s` seconds."""

    notification_id: int
    attempt: int
    delay_s: float


def notifications_deliver(*, sends: Sequence[Send]) -> list[Retry]:
    """Try to send a batch of pending rows over one SMTP session; returns the rows to try again later.

    Rows that are no longer pending at the attempt asked for are skipped: they were sent, given
    up, or another task owns a later attempt.
    """
    entries = {
        entry.pk: entry
        for entry in Notification.objects.filter(pk__in=[pk for pk, _ in sends], status=Notification.Status.PENDING)
    }
    find = recipients_of(user_ids=_people_of(entries.values())).get
    retries = []
    with Outbox() as outbox:
        for notification_id, attempt in sends:
            entry = entries.get(notification_id)
            if entry is None or entry.attempts != attempt:
                continue
            retry = _deliver_one(entry, outbox, find)
            if retry is not None:
                retries.append(retry)
    return retries


def _people_of(entries) -> set[int]:
    """Everyone the batch's emails name: recipients, and the buyer or seller a won or sold email shows."""
    people = set()
    for entry in entries:
        people.add(entry.recipient_id)
        if (counterpart := COUNTERPARTS.get(entry.kind)) and entry.details.get(counterpart[1]) is not None:
            people.add(entry.details[counterpart[1]])
    return people


_CLAIM = """
    UPDATE {table} SET status = %s, attempts = attempts + 1, sent_at = now()
    WHERE id = (SELECT id FROM {table} WHERE id = %s AND status = %s AND attempts = %s FOR UPDATE SKIP LOCKED)
    RETURNING id
""".format(table=Notification._meta.db_table)
"""Lock the row if it is still pending at this attempt (skipping it when another task holds it) and
write it as sent, in one round trip. Nothing of it is visible until the commit, which comes after
the server accepted the email; if the email fails, the same transaction writes the failure instead."""


def _deliver_one(entry: Notification, outbox: Outbox, find) -> Retry | None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_CLAIM, [Notification.Status.SENT, entry.pk, Notification.Status.PENDING, entry.attempts])
        if cursor.fetchone() is None:  # done, being sent right now, or another task owns a later attempt
            return None
        try:
            message = compose(entry, find)
            if message is not None:
                outbox.send(message)
        except Exception as error:  # any failure to compose or send counts against the row; the last one is recorded
            return _attempt_failed(entry, error)
        if message is None:
            Notification.objects.filter(pk=entry.pk).update(status=Notification.Status.SKIPPED, sent_at=None)
        return None


def _attempt_failed(entry: Notification, error: Exception) -> Retry | None:
    """Record a failed attempt on a claimed row (inside its transaction): failed for good, or pending again, due later."""
    entry.attempts += 1
    entry.last_error = f"{type(error).__name__}: {error}"[:ERROR_CHARS]
    entry.sent_at = None
    if entry.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
        entry.status = Notification.Status.FAILED
        entry.save(update_fields=["attempts", "last_error", "status", "sent_at"])
        log.error("notification %s failed for good after %s attempts: %s", entry.pk, entry.attempts, entry.last_error)
        return None
    delay = retry_delay(entry.attempts, base_s=settings.NOTIFY_RETRY_BASE_SECONDS, cap_s=settings.NOTIFY_RETRY_MAX_SECONDS)
    entry.next_attempt_at = timezone.now() + timedelta(seconds=delay)
    entry.status = Notification.Status.PENDING
    entry.save(update_fields=["attempts", "last_error", "next_attempt_at", "status", "sent_at"])
    log.warning("notification %s attempt %s failed, retrying in %.0f s: %s", entry.pk, entry.attempts, delay, entry.last_error)
    return Retry(entry.pk, entry.attempts, delay)


def stalled_claim(*, due_before: datetime, limit: int) -> list[Send]:
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
