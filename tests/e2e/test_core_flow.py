"""The core flow in a real browser: sign up, list an item, a second person bids on it and sees the
decision, the auction closes and both see the outcome. Screenshots of each step go to
test-artifacts/coreflow/."""
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import AUCTION_SECONDS
from tests.support.pictures import png as _png

# django_db: the site must run on the test database, which pytest-django creates only for tests that ask.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "coreflow"
PASSWORD = "a long enough passphrase 42"
CLOSE_TIMEOUT_MS = (AUCTION_SECONDS + 30) * 1000


def _shot(page: Page, name: str) -> None:
    page.evaluate("window.scrollTo(0, 0)")  # else the sticky header is drawn where the page was scrolled to
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


def _sign_up(page: Page, site: str, name: str) -> None:
    page.goto(f"{site}/accounts/signup/")
    page.get_by_label("Username").fill(name)
    page.get_by_label("Email").fill(f"{name}@example.test")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def _wait_for_outcome(page: Page, url: str) -> None:
    """Reload until the page says how the auction ended (live updates may say it sooner; not tested here)."""
    page.goto(url)
    banner = page.locator(".banner:visible")
    for _ in range(CLOSE_TIMEOUT_MS // 2000):
        if banner.count():
            return
        page.wait_for_timeout(2000)
        page.reload()
    expect(banner).to_be_visible()


def test_sign_up_sell_bid_and_both_see_the_outcome(site, browser, tmp_path):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    run = uuid.uuid4().hex[:6]
    seller = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    bidder = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    photo = tmp_path / "lamp.png"
    photo.write_bytes(_png())

    _sign_up(seller, site, f"sofia{run}")
    _shot(seller, "1-seller-signed-up")
    seller.goto(f"{site}/sell/")
    seller.get_by_label("Title").fill("Green banker's lamp")
    seller.get_by_label("Category").select_option(label="Home & Garden")
    seller.get_by_label("Description").fill("Brass base, green glass shade. Works.")
    seller.get_by_label("Photos").set_input_files(photo)
    seller.get_by_label("Location").fill("Ghent, Belgium")
    seller.get_by_label("Starting price").fill("20")
    seller.get_by_label("Duration").select_option(str(AUCTION_SECONDS))
    _shot(seller, "2-seller-sell-form")
    seller.get_by_role("button", name="List item").click()
    expect(seller.get_by_role("heading", name="Green banker's lamp")).to_be_visible(timeout=15_000)
    _shot(seller, "3-seller-item-listed")
    item_url = seller.url

    _sign_up(bidder, site, f"bruno{run}")
    bidder.goto(item_url)
    bidder.get_by_label("Your bid").fill("25")
    _shot(bidder, "4-bidder-about-to-bid")
    bidder.get_by_role("button", name="Place bid").click()
    expect(bidder.get_by_text("You're the highest bidder.").first).to_be_visible()
    _shot(bidder, "5-bidder-sees-the-decision")

    words = {"bidder": "You won this auction for €25.00", "seller": f"Sold to b***{run[-1]} for €25.00"}
    for page, who in ((bidder, "bidder"), (seller, "seller")):
        _wait_for_outcome(page, item_url)
        expect(page.locator(".banner")).to_have_text(words[who])
        _shot(page, f"6-{who}-sees-the-outcome")
    bidder.goto(f"{site}/account/")
    expect(bidder.get_by_text("Green banker's lamp").first).to_be_visible()
    _shot(bidder, "7-bidder-account-after-winning")
