"""Celery tasks: send a batch of ledger rows, resend stalled rows, create ending-soon reminders.

Tasks carry only ledger row ids and the attempts they are for; the rows hold the truth. Rows are
queued in batches of NOTIFY_BATCH_SIZE, one task each, which sends them over one SMTP connection
(`delivery`). Workers ack late, so a task whose worker dies is delivered again; `resend_stalled`
catches what the broker does not (an enqueue lost after the ledger commit, a retry held by a dead
worker).
"""
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from auction.notifications.delivery import Retry, Send, notifications_deliver, stalled_claim
from auction.notifications.reminders import reminders_create

log = logging.getLogger(__name__)
RESEND_BATCH = 1000


@shared_task(acks_late=True, ignore_result=True)
def send_notifications(sends: list[list[int]]) -> None:
    """Send a batch of (row id, attempt) over one SMTP connection; failed rows are queued again, by their delay."""
    _queue_retries(notifications_deliver(sends=[(int(pk), int(attempt)) for pk, attempt in sends]))


@shared_task(acks_late=True, ignore_result=True)
def send_notification(notification_id: int, attempt: int = 0) -> None:
    """One row: the task of the time before batches, kept so that tasks queued then are still carried out."""
    _queue_retries(notifications_deliver(sends=[(notification_id, attempt)]))


def batches(sends: Sequence[Send], size: int) -> list[list[Send]]:
    return [list(sends[start : start + size]) for start in range(0, len(sends), max(1, size))]


def _queue(sends: Iterable[Send], countdown: float | None = None) -> None:
    for batch in batches(list(sends), settings.NOTIFY_BATCH_SIZE):
        send_notifications.apply_async((batch,), queue=settings.NOTIFY_QUEUE, countdown=countdown)


def _queue_retries(retries: Sequence[Retry]) -> None:
    """Rows due again after the same delay go in the same batches. A failed enqueue (broker down)
    is only logged: the rows stay pending, due then, and `resend_stalled` queues them later."""
    by_delay: dict[float, list[Send]] = defaultdict(list)
    for retry in retries:
        by_delay[retry.delay_s].append((retry.notification_id, retry.attempt))
    for delay, sends in by_delay.items():
        try:
            _queue(sends, countdown=delay)
        except Exception:
            log.exception("could not queue %s notifications for a retry; resend_stalled will", len(sends))


def enqueue_on_commit(notification_ids: Sequence[int]) -> None:
    """Queue the first attempts once the rows are committed, so a worker always finds them.

    A failed enqueue (broker down) is only logged: the rows stay pending and `resend_stalled`
    queues them later.
    """
    if notification_ids:
        sends = [(notification_id, 0) for notification_id in notification_ids]
        transaction.on_commit(lambda: _queue(sends), robust=True)


@shared_task(ignore_result=True)
def resend_stalled() -> int:
    """Queue again the pending rows whose attempt was due more than NOTIFY_STALE_SECONDS ago."""
    due_before = timezone.now() - timedelta(seconds=settings.NOTIFY_STALE_SECONDS)
    stalled = stalled_claim(due_before=due_before, limit=RESEND_BATCH)
    _queue(stalled)
    if stalled:
        log.info("re-queued %s stalled notifications", len(stalled))
    return len(stalled)


@shared_task(ignore_result=True)
def remind_ending_soon() -> int:
    with transaction.atomic():
        created = reminders_create(now=timezone.now(), window=timedelta(seconds=settings.NOTIFY_ENDING_SOON_SECONDS))
        enqueue_on_commit(created)
    return len(created)
