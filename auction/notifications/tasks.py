"""Celery tasks: send one ledger row, resend stalled rows, create ending-soon reminders.

Tasks carry only a ledger row id and the attempt they are for; the row holds the truth.
Workers ack late, so a task whose worker dies is delivered again; `resend_stalled` catches what
the broker does not (an enqueue lost after the ledger commit, a retry held by a dead worker).
"""
import logging
from collections.abc import Iterable, Sequence
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from auction.notifications.delivery import notification_deliver, stalled_claim
from auction.notifications.reminders import reminders_create

log = logging.getLogger(__name__)
RESEND_BATCH = 1000


@shared_task(bind=True, acks_late=True, ignore_result=True)
def send_notification(self, notification_id: int, attempt: int = 0) -> None:
    retry_in = notification_deliver(notification_id=notification_id, attempt=attempt)
    if retry_in is not None:
        raise self.retry(args=(notification_id, attempt + 1), countdown=retry_in, max_retries=None)


def _queue(sends: Iterable[tuple[int, int]]) -> None:
    for notification_id, attempt in sends:
        send_notification.apply_async((notification_id, attempt), queue=settings.NOTIFY_QUEUE)


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
