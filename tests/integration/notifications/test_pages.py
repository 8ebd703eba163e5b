"""The watch button on the item page, and the watchlist and email choices on the account page."""
import re
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from auction.catalog.models import Item
from auction.notifications.models import Preference, Watch

pytestmark = pytest.mark.django_db


def _item(seller_id: int = 424242) -> Item:
    now = timezone.now()
    return Item.objects.create(
        id=uuid.uuid4(), seller_id=seller_id, seller_name="bruno", title="Brass telescope", category="collectibles",
        currency="EUR", starting_price=10_00, starts_at=now - timedelta(hours=1), original_ends_at=now + timedelta(days=1),
        ends_at=now + timedelta(days=1),
    )


def test_watching_from_the_item_page_puts_the_item_on_the_account_page(client, person):
    item, viewer = _item(), person("viewer")
    client.force_login(viewer)
    assert "Watch this item" in client.get(f"/items/{item.pk}/").content.decode()

    page = client.post(f"/items/{item.pk}/watch/", {"next": f"/items/{item.pk}/"}, follow=True).content.decode()

    assert "Watching — stop watching" in page and "Added to your watchlist." in page
    assert Watch.objects.filter(user=viewer, item_id=item.pk).exists()
    account = client.get("/account/").content.decode()
    watching = account[account.index('id="watching"'):account.index('id="emails"')]
    assert f'data-item-id="{item.pk}"' in watching and "Brass telescope" in watching

    client.post(f"/items/{item.pk}/watch/")
    assert not Watch.objects.filter(user=viewer, item_id=item.pk).exists()


def test_visitors_are_asked_to_log_in_to_watch(client):
    item = _item()
    assert "Log in to watch" in client.get(f"/items/{item.pk}/").content.decode()
    assert client.post(f"/items/{item.pk}/watch/").status_code == 302
    assert not Watch.objects.exists()


def test_email_choices_are_saved_from_the_account_page(client, person):
    someone = person("someone")
    client.force_login(someone)
    form = client.get("/account/").content.decode()
    assert _ticked(form, "outbid") and _ticked(form, "ending_soon"), "everything is on until someone chooses"

    client.post("/account/emails/", {"outbid": "on"})

    preference = Preference.objects.get(user=someone)
    assert (preference.outbid, preference.ending_soon) == (True, False)
    form = client.get("/account/").content.decode()
    assert _ticked(form, "outbid") and not _ticked(form, "ending_soon")


def _ticked(html: str, name: str) -> bool:
    [checkbox] = re.findall(rf'<input type="checkbox" name="{name}"[^>]*>', html)
    return " checked" in checkbox
