"""In a browser: watch an item, choose emails on the account page, and (as staff) read the demo's mail."""
import re
import struct
import uuid
import zlib
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from auction.catalog.models import Item
from auction.notifications.capture import captured_mail_store
from auction.notifications.composing import compose
from auction.notifications.models import Notification, Preference

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "notifications"

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A plain-colour PNG, so the pages and the email show a real picture."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def _picture(settings) -> str:
    name = f"items/{uuid.uuid4().hex}.png"
    path = Path(settings.MEDIA_ROOT) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_png(480, 320, (196, 160, 96)))
    return f"/{settings.MEDIA_URL.strip('/')}/{name}"


def _log_in(page, client, base_url: str, user) -> None:
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}])


def test_watch_choose_emails_and_read_the_demo_mail(web_server, page, client, person, settings):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    picture, now = _picture(settings), timezone.now()
    item = Item.objects.create(
        id=uuid.uuid4(), seller_id=424242, seller_name="bruno", title="Bauhaus desk lamp", category="home",
        image_urls=[picture], currency="EUR", starting_price=20_00, starts_at=now - timedelta(hours=1),
        original_ends_at=now + timedelta(hours=5), ends_at=now + timedelta(hours=5),
    )
    viewer = person("viewer")
    _log_in(page, client, web_server, viewer)

    page.goto(f"{web_server}/items/{item.pk}/")
    page.get_by_role("button", name="☆ Watch this item").click()
    expect(page.get_by_role("button", name=re.compile("Watching"))).to_be_visible()
    page.screenshot(path=ARTIFACTS / "item-watching.png", full_page=True)

    page.goto(f"{web_server}/account/")
    expect(page.locator("#watching")).to_contain_text("Bauhaus desk lamp")
    page.get_by_label("When someone outbids me").uncheck()
    page.get_by_role("button", name="Save email choices").click()
    expect(page.get_by_text("Your email choices are saved.")).to_be_visible()
    expect(page.get_by_label("When someone outbids me")).not_to_be_checked()
    page.screenshot(path=ARTIFACTS / "account-emails.png", full_page=True)
    assert (Preference.objects.get(user=viewer).outbid, Preference.objects.get(user=viewer).ending_soon) == (False, True)

    entry = Notification(
        event_id="e", recipient_id=viewer.pk, kind="ending_soon", item_id=item.pk,
        details={"item_id": str(item.pk), "title": item.title, "image_url": picture, "currency": "EUR",
                 "price": 20_00, "ends_at": item.ends_at.isoformat()},
    )
    settings.SITE_URL = web_server  # the email's links and picture point at the server the browser uses
    message = compose(entry).message()
    captured_mail_store(sender="noreply@localhost", recipients=[viewer.email], message=message.as_bytes())
    _log_in(page, client, web_server, person("staff", is_staff=True))
    page.goto(f"{web_server}/ops/mail/")
    page.get_by_role("link", name="Ending soon: “Bauhaus desk lamp”").click()
    mail = page.frame_locator("iframe.mail-html")
    expect(mail.locator("h1")).to_have_text("Ending soon: “Bauhaus desk lamp”")
    expect(mail.get_by_text("An item on your watchlist ends")).to_contain_text("€20.00")
    expect(mail.get_by_role("img", name="Bauhaus desk lamp")).to_be_visible()
    page.screenshot(path=ARTIFACTS / "staff-mail.png", full_page=True)

