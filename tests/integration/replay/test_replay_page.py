"""The replay control of the item page, in Chromium against the real site and pipeline: by keyboard,
by its buttons and by playing it back, with no axe-core violation."""
import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect

from auction.catalog.models import Item
from tests.integration.ui.test_accessibility import axe_violations
from tests.support.auctions import publish_bid, publish_listing
from tests.support.waiting import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "replay"


def test_the_item_page_replays_its_auction_by_keyboard_buttons_and_playback(auction_pipeline, web_server, browser, django_user_model):
    seller, first, second = (django_user_model.objects.create_user(username=f"{who}{uuid.uuid4().hex[:6]}") for who in ("seller", "first", "second"))
    item_id = publish_listing(seller, title="Replayed clock", ends_in_s=5, starting=10_00, reserve=25_00)
    publish_bid(item_id, first, 12_00)
    publish_bid(item_id, second, 20_00)
    publish_bid(item_id, first, 30_00)
    eventually(lambda: Item.objects.filter(pk=item_id, status=Item.Status.CLOSED, bid_count=3).exists(), timeout_s=60,
               what="the auction closed with its three bids")

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{web_server}/items/{item_id}/")
    slider = page.get_by_label("Moment")
    count = page.locator('[data-replay-field="count"]')
    expect(slider).to_be_visible()
    expect(count).to_have_text("3")  # it opens on the end: the item as it closed
    expect(page.locator("[data-replay-price-label]")).to_have_text("Sold")
    expect(page.locator("[data-replay-history] li")).to_have_count(3)

    slider.focus()
    page.keyboard.press("Home")  # the listing: nothing bid yet
    expect(count).to_have_text("0")
    expect(page.locator('[data-replay-field="minimum"]')).to_have_text("$10.00".replace("$", "€"))
    expect(page.locator('[data-replay-field="reserve"]')).to_have_text("Reserve not met")
    expect(page.locator("[data-replay-history]")).to_have_text("No bids yet.")

    page.get_by_role("button", name="Next change").click()  # the first accepted bid
    expect(count).to_have_text("1")
    expect(page.locator('[data-replay-field="leader"]')).to_have_text(re.compile(r"^f\*\*\*."))  # masked as on the page
    page.get_by_role("button", name="Next change").click()
    expect(count).to_have_text("2")
    expect(page.locator('[data-replay-field="left"]')).not_to_have_text("Ended")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / "item-replay.png", full_page=True)
    violations = axe_violations(page)
    assert not violations, "\n".join(violations)

    page.keyboard.press("Home")
    page.get_by_label("Speed").select_option("60")
    page.get_by_role("button", name="Play").click()
    expect(page.get_by_role("button", name="Pause")).to_have_attribute("aria-pressed", "true")
    expect(count).to_have_text("3")  # played through to the close
    expect(page.locator('[data-replay-field="reserve"]')).to_have_text("Reserve met")
    expect(page.get_by_role("button", name="Play")).to_have_attribute("aria-pressed", "false")
    page.close()


def test_while_an_auction_runs_its_timeline_grows_as_bids_arrive(live_pipeline, web_server, browser, django_user_model):
    seller, bidder = (django_user_model.objects.create_user(username=f"{who}{uuid.uuid4().hex[:6]}") for who in ("seller", "bidder"))
    item_id = publish_listing(seller, title="Growing timeline", ends_in_s=900, starting=10_00)
    publish_bid(item_id, bidder, 11_00)
    eventually(lambda: Item.objects.filter(pk=item_id, bid_count=1).exists(), timeout_s=60, what="the first bid projected")

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{web_server}/items/{item_id}/")
    summary = page.locator("[data-replay-summary]")
    expect(summary).to_have_text("Marks: 1 accepted bid; still running.")
    expect(page.locator('[data-replay-field="count"]')).to_have_text("1")

    publish_bid(item_id, bidder, 15_00)  # pushed by the live channel: no reload
    expect(summary).to_have_text("Marks: 2 accepted bids; still running.", timeout=60_000)
    expect(page.locator('[data-replay-field="count"]')).to_have_text("2")  # the slider follows the end
    expect(page.locator("[data-replay-history] li")).to_have_count(2)
    page.close()
