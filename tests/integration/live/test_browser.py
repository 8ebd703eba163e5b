"""In real Chromium, two people in two browsers: what one does shows up for the other without a
reload. Screenshots of every step go to test-artifacts/live/."""
import re
import uuid
from datetime import datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.integration.live.support import WebServer, list_item, projected_seq
from tests.support.auctions import publish_bid
from tests.support.waiting import eventually

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "live"
LIVE_S = 1.0
"""How soon an open page must show what another person did."""

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def masked(user) -> str:
    return f"{user.username[0]}***{user.username[-1]}"


def field(page, item_id: str, name: str):
    return page.locator(f'[data-item-id="{item_id}"][data-field="{name}"]')


def opened(context, url: str):
    """A page at `url` whose live socket is open; it remembers this document, to prove no reload happens."""
    page = context.new_page()
    page.goto(url)
    expect(page.locator("html")).to_have_attribute("data-live", "open")
    page.evaluate("window.sameDocument = true")
    return page


def not_reloaded(page) -> bool:
    return page.evaluate("window.sameDocument === true")


def bid_in_page(page, amount: str) -> None:
    """Bid with the plain form (no script involved): post, then the page reloads with the answer."""
    page.get_by_label("Your bid").fill(amount)
    with page.expect_navigation():
        page.get_by_role("button", name="Place bid").click()


def test_a_bid_shows_up_at_once_for_the_bidder_it_outbids(live_pipeline, web_server, browser, person, log_in):
    seller, ana, ben = person("seller"), person("ana"), person("ben")
    title = f"Brass telescope {uuid.uuid4().hex[:6]}"
    item_id = list_item(seller, title=title, ends_in_s=600)
    bens, anas = browser.new_context(), browser.new_context(java_script_enabled=False)  # ana reads and bids without
    log_in(bens, ben)
    log_in(anas, ana)

    ben_item = opened(bens, f"{web_server}/items/{item_id}/")
    bid_in_page(ben_item, "20.00")
    expect(field(ben_item, item_id, "leader")).to_have_text("You're the highest bidder.")
    expect(ben_item.locator(".messages")).to_have_text("You're the highest bidder.")
    ben_item.evaluate("window.sameDocument = true")
    ben_browse = opened(bens, f"{web_server}/?q={title}")
    ben_item.screenshot(path=ARTIFACTS / "1-ben-leads.png", full_page=True)

    ana_item = anas.new_page()
    ana_item.goto(f"{web_server}/items/{item_id}/")
    expect(field(ana_item, item_id, "price")).to_have_text("€20.00")
    bid_in_page(ana_item, "25.00")
    ana_item.screenshot(path=ARTIFACTS / "2-ana-outbids-ben.png", full_page=True)

    expect(field(ben_item, item_id, "price")).to_have_text("€25.00", timeout=LIVE_S * 1000)
    expect(field(ben_item, item_id, "bid-count")).to_have_text("2 bids", timeout=LIVE_S * 1000)
    expect(field(ben_item, item_id, "leader")).to_have_text(f"Highest bidder: {masked(ana)}")
    expect(field(ben_item, item_id, "minimum-bid")).to_have_text("€26.00")
    expect(field(ben_item, item_id, "history").locator("li").first).to_contain_text(f"{masked(ana)}€25.00")
    expect(ben_item.locator(".toast-outbid")).to_have_text(re.compile(f"You've been outbid on “{title}”. The price is now €25.00."))
    expect(ben_item.locator(".messages")).to_have_count(0)  # the flash of ben's own bid no longer holds
    ben_item.screenshot(path=ARTIFACTS / "3-ben-sees-it-live.png", full_page=True)
    expect(field(ben_browse, item_id, "price")).to_have_text("€25.00", timeout=LIVE_S * 1000)
    expect(field(ben_browse, item_id, "bid-count")).to_have_text("2 bids")
    expect(ben_browse.locator(".toast-outbid")).to_be_visible()
    ben_browse.screenshot(path=ARTIFACTS / "4-ben-browsing-sees-it-live.png", full_page=True)
    assert not_reloaded(ben_item) and not_reloaded(ben_browse)
    expect(field(ana_item, item_id, "leader")).to_have_text("You're the highest bidder.")
    bens.close()
    anas.close()


def test_a_short_auction_follows_its_extension_counts_down_and_shows_its_outcome(
    live_pipeline, web_server, browser, person, log_in
):
    seller, ana, ben = person("seller"), person("ana"), person("ben")
    title = f"Pocket watch {uuid.uuid4().hex[:6]}"
    item_id = list_item(seller, title=title, ends_in_s=10, extension_window_s=9)
    bens, anas = browser.new_context(), browser.new_context()
    log_in(bens, ben)
    log_in(anas, ana)
    ben_item = opened(bens, f"{web_server}/items/{item_id}/")
    ana_elsewhere = opened(anas, f"{web_server}/account/")

    countdown = field(ben_item, item_id, "time-left")
    listed_end = countdown.get_attribute("data-ends-at")

    publish_bid(item_id, ana, 30_00)  # within the last 9 s: the end moves to 9 s after the bid
    expect(field(ben_item, item_id, "price")).to_have_text("€30.00")
    expect(countdown).not_to_have_attribute("data-ends-at", listed_end)
    assert datetime.fromisoformat(countdown.get_attribute("data-ends-at")) > datetime.fromisoformat(listed_end)
    ends_text = field(ben_item, item_id, "ends-at")  # the "· ends …" beside the countdown moves with it
    expect(ends_text).to_have_attribute("datetime", countdown.get_attribute("data-ends-at"))
    expect(countdown).to_have_text(re.compile(r"^\d+s$"))
    ben_item.screenshot(path=ARTIFACTS / "5-counting-down.png", full_page=True)

    expect(countdown).to_have_text("Ended", timeout=15_000)
    outcome = field(ben_item, item_id, "outcome")
    expect(outcome).to_have_text(f"Sold to {masked(ana)} for €30.00", timeout=5_000)
    expect(outcome).to_have_class("banner banner-sold")
    expect(field(ben_item, item_id, "price-label")).to_have_text("Final price")
    expect(ben_item.locator("form.bid-form")).to_be_hidden()
    ben_item.screenshot(path=ARTIFACTS / "6-closed-banner.png", full_page=True)
    expect(ana_elsewhere.locator(".toast-won")).to_have_text(re.compile(f"You won “{title}” for €30.00."))
    ana_elsewhere.screenshot(path=ARTIFACTS / "7-winner-told-elsewhere.png", full_page=True)
    assert not_reloaded(ben_item) and not_reloaded(ana_elsewhere)
    bens.close()
    anas.close()


def test_a_dropped_socket_reconnects_and_catches_up(live_pipeline, processor_env, browser, person, tmp_path):
    seller, ana, ben = person("seller"), person("ana"), person("ben")
    item_id = list_item(seller, title=f"Desk lamp {uuid.uuid4().hex[:6]}", ends_in_s=600)
    server = WebServer(processor_env, tmp_path / "web.log").start()
    try:
        bens = browser.new_context()
        ben_item = opened(bens, f"{server.url}/items/{item_id}/")

        server.kill()
        expect(ben_item.locator("html")).to_have_attribute("data-live", "reconnecting")
        expect(ben_item.locator(".live-status")).to_have_text("Reconnecting…")
        ben_item.screenshot(path=ARTIFACTS / "8-reconnecting.png", full_page=True)
        publish_bid(item_id, ana, 20_00)
        publish_bid(item_id, ben, 21_00)
        eventually(lambda: projected_seq(item_id, 2), timeout_s=30, what="both bids projected")
        server.start()

        expect(ben_item.locator("html")).to_have_attribute("data-live", "open", timeout=20_000)
        expect(ben_item.locator(".live-status")).to_be_hidden()
        expect(field(ben_item, item_id, "price")).to_have_text("€21.00")
        expect(field(ben_item, item_id, "bid-count")).to_have_text("2 bids")
        expect(field(ben_item, item_id, "history").locator("li")).to_have_count(2)
        ben_item.screenshot(path=ARTIFACTS / "9-caught-up.png", full_page=True)
        assert not_reloaded(ben_item)

        publish_bid(item_id, ana, 22_00)
        expect(field(ben_item, item_id, "price")).to_have_text("€22.00", timeout=5_000)
        assert ben_item.locator('[data-item-id][data-seq]').get_attribute("data-seq") == "3"
        bens.close()
    finally:
        server.kill()
