"""Sending survives what goes wrong around it: an SMTP outage, a worker killed mid-send, and a server
that never comes back (recorded for staff, who can send the email again)."""
import time
import uuid
from collections import Counter

import pytest
from django.db import transaction

from auction.notifications.audience import Notice
from auction.notifications.kinds import Kind
from auction.notifications.ledger import notifications_create
from auction.notifications.models import Notification
from auction.notifications.tasks import enqueue_on_commit
from tests.integration.notifications.conftest import free_port
from tests.integration.notifications.support import celery_worker, eventually, settled_tally, tally

OUTAGE_S = 30
DELIVERY_TIMEOUT_S = 30
SETTLE_S = 7
"""Longer than a stalled row takes to be queued again (NOTIFY_STALE_SECONDS + a sweep): a second
copy of anything would arrive within it."""

pytestmark = pytest.mark.django_db(transaction=True)


def _queue_emails(people) -> tuple[str, list[int]]:
    """Ledger rows for an auction's losers, queued after commit, as the processor would; (item id, row ids)."""
    item_id = str(uuid.uuid4())
    details = {"item_id": item_id, "title": "Lamp", "image_url": "", "currency": "EUR", "outcome": "sold",
               "price": 15_00, "your_bid": 10_00}
    with transaction.atomic():
        event_id = str(uuid.uuid4())
        ids = notifications_create([(event_id, Notice(p.pk, Kind.LOST, details)) for p in people])
        enqueue_on_commit(ids)
    return item_id, ids


def _each_exactly_once(smtp_server, item_id: str, people) -> None:
    expected = Counter({(item_id, person.username, "lost"): 1 for person in people})
    assert settled_tally(smtp_server, people, expected, timeout_s=DELIVERY_TIMEOUT_S, quiet_s=SETTLE_S) == expected


def test_an_smtp_outage_of_30_seconds_delays_every_email_and_doubles_none(worker, beat, smtp_server, person):
    people = [person(f"loser{n}") for n in range(5)]
    smtp_server.stop()
    try:
        item_id, ids = _queue_emails(people)
        time.sleep(OUTAGE_S)
        assert not tally(smtp_server, people)
        during = list(Notification.objects.filter(pk__in=ids).values_list("status", "attempts", "last_error"))
    finally:
        smtp_server.start()

    assert all(status == "pending" and attempts >= 3 and "refused" in error for status, attempts, error in during), during
    _each_exactly_once(smtp_server, item_id, people)
    assert set(Notification.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"sent"}


def test_a_worker_killed_mid_send_loses_no_email_and_doubles_none(worker, beat, smtp_server, person):
    people = [person(f"loser{n}") for n in range(3)]
    smtp_server.handler.hold()
    try:
        item_id, ids = _queue_emails(people)
        eventually(smtp_server.handler.held.is_set, timeout_s=DELIVERY_TIMEOUT_S, what="a send to be under way")
        worker.kill()  # between MAIL FROM and DATA, holding the ledger row's lock
    finally:
        smtp_server.handler.release()
    worker.start()

    _each_exactly_once(smtp_server, item_id, people)
    assert list(Notification.objects.filter(pk__in=ids).values_list("status", "attempts")) == [("sent", 1)] * 3


def test_an_email_that_never_goes_is_shown_to_staff_who_can_send_it_again(
    notify_env, notify_queue, worker, beat, smtp_server, person, client, settings, tmp_path
):
    queue = f"failing-{uuid.uuid4().hex[:8]}"
    no_server = {**notify_env, "NOTIFY_QUEUE": queue, "EMAIL_PORT": str(free_port()),
                 "NOTIFY_MAX_ATTEMPTS": "2", "NOTIFY_RETRY_BASE_SECONDS": "0.2"}
    failing = celery_worker(no_server, tmp_path / "failing-worker.log", queue).start()
    settings.NOTIFY_QUEUE = queue
    ann = person("ann")
    try:
        item_id, [entry_id] = _queue_emails([ann])
        entry = eventually(lambda: Notification.objects.filter(pk=entry_id, status="failed").first(),
                           timeout_s=DELIVERY_TIMEOUT_S, what="the email to fail for good")
    finally:
        failing.stop()
    assert entry.attempts == 2 and "Connection refused" in entry.last_error

    client.force_login(person("staff", is_staff=True))
    page = client.get("/ops/mail/").content.decode()
    assert f'data-notification-id="{entry_id}"' in page and "Connection refused" in page
    client.logout()
    client.force_login(ann)
    assert client.post(f"/ops/mail/failed/{entry_id}/retry/").status_code == 302  # to the staff login
    assert Notification.objects.get(pk=entry_id).status == "failed"

    client.force_login(person("staff", is_staff=True))
    settings.NOTIFY_QUEUE = notify_queue  # the working worker's
    client.post(f"/ops/mail/failed/{entry_id}/retry/")
    _each_exactly_once(smtp_server, item_id, [ann])
    assert Notification.objects.get(pk=entry_id).status == "sent"
