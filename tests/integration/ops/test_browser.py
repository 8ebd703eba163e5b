"""In a browser: a staff member cancels an auction from the admin, and a shopper's open item page shows it
cancelled without being reloaded. Then the ops page, as an operator sees it."""
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect

from auction.catalog.models import Item
from tests.support.waiting import eventually
from tests.integration.ops.support import listed

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "ops"
TIMEOUT_MS = 20_000

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _log_in(page, client, base_url: str, user) -> None:
    client.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}])


def test_a_cancellation_in_the_admin_shows_on_an_open_item_page_without_a_reload(
    web_server, auction_pipeline, start_processor, browser, client, person
):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    start_processor("live", STREAMS_NAME_SUFFIX=f"ops-{uuid.uuid4().hex[:8]}")  # a group of its own: no other run's instance to fence
    item_id = listed(person("seller"), title="Art deco mirror", starting="45.00")
    eventually(lambda: Item.objects.filter(pk=item_id).exists(), timeout_s=60, what="the listing")
    shopper = browser.new_context().new_page()
    shopper.goto(f"{web_server}/items/{item_id}/")
    expect(shopper.locator("article.item")).to_have_attribute("data-status", "open")
    shopper.evaluate("window.notReloaded = true")

    admin = browser.new_context().new_page()
    _log_in(admin, client, web_server, person("staff", is_staff=True))
    admin.goto(f"{web_server}/admin/catalog/item/{item_id}/change/")
    admin.screenshot(path=ARTIFACTS / "admin-item.png", full_page=True)
    cancel = admin.locator("form[data-action=cancel]")
    cancel.get_by_label("Reason").fill("Listed twice by mistake")
    cancel.get_by_role("button", name="Cancel the auction").click()
    expect(admin.locator(".messagelist")).to_contain_text("Cancellation sent")

    expect(shopper.locator("[data-field=outcome]")).to_have_text("This auction was cancelled", timeout=TIMEOUT_MS)
    expect(shopper.locator("article.item")).to_have_attribute("data-status", "closed")
    expect(shopper.locator("form.bid-form")).to_have_count(0)
    assert shopper.evaluate("window.notReloaded") is True, "the page changed in place"
    shopper.screenshot(path=ARTIFACTS / "item-cancelled.png", full_page=True)

    admin.reload()
    expect(admin.locator("#audit-trail")).to_contain_text("Listed twice by mistake")
    admin.screenshot(path=ARTIFACTS / "admin-audit-trail.png", full_page=True)


def test_the_ops_page_shows_the_flow_and_refreshes_itself(web_server, auction_pipeline, page, client, person):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    _log_in(page, client, web_server, person("operator", is_staff=True))
    page.goto(f"{web_server}/ops/")
    expect(page.locator("#ops-processors tr[data-processor=bidding]")).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.locator("#ops-topics tr[data-topic='auction.items']")).to_be_visible()
    expect(page.locator("#ops-topics tr[data-topic='projector.retry']")).to_be_visible()  # where its dead letters are replayed
    first = page.locator("#ops-updated").text_content()
    expect(page.locator("#ops-updated")).not_to_have_text(first, timeout=TIMEOUT_MS)
    page.screenshot(path=ARTIFACTS / "ops-page.png", full_page=True)
