"""Emails go out in batches: one Celery task and one SMTP connection per batch of ledger rows, each
email once, and an address the server refuses fails only its own row."""
import uuid
from collections import Counter

import pytest
from django.db import transaction

from auction.notifications.audience import Notice
from auction.notifications.kinds import Kind
from auction.notifications.ledger import notifications_create
from auction.notifications.models import Notification
from auction.notifications.tasks import enqueue_on_commit
from tests.integration.notifications.support import REFUSED_PREFIX, eventually, final_tally

BATCH = 50
DELIVERY_TIMEOUT_S = 60

pytestmark = pytest.mark.django_db(transaction=True)


def _queue_losers(people) -> tuple[str, list[int]]:
    """Ledger rows for an auction's losers, committed and queued as the processor does; (item id, row ids)."""
    item_id = str(uuid.uuid4())
    details = {"item_id": item_id, "title": "Lamp", "image_url": "", "currency": "EUR", "outcome": "sold",
               "price": 15_00, "your_bid": 10_00}
    with transaction.atomic():
        ids = notifications_create([(str(uuid.uuid4()), Notice(p.pk, Kind.LOST, details)) for p in people])
        enqueue_on_commit(ids)
    return item_id, ids


def test_a_batch_of_50_emails_goes_over_one_smtp_connection_each_email_once(worker, beat, smtp_server, person, settings):
    settings.NOTIFY_BATCH_SIZE = BATCH
    people = [person(f"loser{n}") for n in range(BATCH)]

    item_id, ids = _queue_losers(people)

    expected = Counter({(item_id, p.username, "lost"): 1 for p in people})
    assert final_tally(smtp_server, people, ids, timeout_s=DELIVERY_TIMEOUT_S) == expected
    connections = {mail.connection for mail in smtp_server.to([p.email for p in people])}
    assert len(connections) == 1, f"{BATCH} emails came over {len(connections)} connections"
    assert list(Notification.objects.filter(pk__in=ids).values_list("status", "attempts").distinct()) == [("sent", 1)]


def test_an_address_the_server_refuses_fails_alone_and_the_rest_of_its_batch_arrives(
    worker, beat, smtp_server, person, settings
):
    settings.NOTIFY_BATCH_SIZE = BATCH
    people = [person(f"loser{n}") for n in range(9)]
    refused = person("refused")
    refused.email = f"{REFUSED_PREFIX}{refused.email}"
    refused.save(update_fields=["email"])
    batch = [*people[:4], refused, *people[4:]]

    item_id, ids = _queue_losers(batch)

    expected = Counter({(item_id, p.username, "lost"): 1 for p in people})
    assert final_tally(smtp_server, people, ids, timeout_s=DELIVERY_TIMEOUT_S) == expected  # the refused one stays pending
    connections = {mail.connection for mail in smtp_server.to([p.email for p in people])}
    assert len(connections) == 1, "a refused recipient does not cost the batch its connection"
    refused_row = eventually(
        lambda: Notification.objects.filter(recipient_id=refused.pk, pk__in=ids, attempts__gte=1).first(),
        timeout_s=DELIVERY_TIMEOUT_S, what="the refused email's attempt to be recorded",
    )
    assert refused_row.status in ("pending", "failed") and "No such mailbox" in refused_row.last_error
    assert not smtp_server.to([refused.email])
    assert set(Notification.objects.filter(pk__in=ids).exclude(pk=refused_row.pk).values_list("status", flat=True)) == {"sent"}
