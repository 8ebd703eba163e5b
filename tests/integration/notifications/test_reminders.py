"""Watchers hear once, a while before an item ends, unless they chose not to; sellers never about their own item."""
import time

import pytest

from auction.catalog.models import Item
from auction.notifications.models import Notification, Watch
from auction.notifications.services import watch_toggle
from tests.integration.notifications.conftest import CATCH_UP_TIMEOUT_S
from tests.integration.notifications.support import eventually, list_item

DELIVERY_TIMEOUT_S = 30
QUIET_S = 3
"""Several sweeps of the reminder task: none of them may send a second reminder."""

pytestmark = pytest.mark.django_db(transaction=True)


def test_watchers_get_one_ending_soon_reminder(mail_pipeline, smtp_server, person, client):
    seller, watcher = person("seller"), person("watcher")
    quiet = person("quiet", ending_soon=False)
    item_id = list_item(seller, ends_in_s=300, title="Watched lamp")
    client.force_login(watcher)
    assert client.post(f"/items/{item_id}/watch/").status_code == 302
    for person_ in (quiet, seller):
        watch_toggle(user=person_, item_id=item_id)
    eventually(lambda: Item.objects.filter(pk=item_id).exists(), timeout_s=CATCH_UP_TIMEOUT_S, what="the item's projection")

    [reminder] = eventually(lambda: smtp_server.to([watcher.email]), timeout_s=DELIVERY_TIMEOUT_S, what="the reminder")
    time.sleep(QUIET_S)

    assert len(smtp_server.to([watcher.email])) == 1
    assert not smtp_server.to([quiet.email, seller.email])
    assert (reminder.kind, reminder.item_id) == ("ending_soon", item_id)
    assert "“Watched lamp”, on your watchlist, ends" in reminder.text and "€10.00" in reminder.text
    assert "/emails/unsubscribe/" in str(reminder.message["List-Unsubscribe"])
    assert list(Notification.objects.values_list("recipient_id", "kind")) == [(watcher.pk, "ending_soon")]
    assert Watch.objects.filter(item_id=item_id, reminded_at=None).count() == 0
