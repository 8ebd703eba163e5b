"""Screenshots of every page at desktop and phone size, for docs/screenshots/.

Run it against a site with the demo data (deploy/demo, which seeds it with `manage.py seed_demo`):

    .venv/bin/python -m tests.e2e.screenshots                       # http://127.0.0.1:8000 -> docs/screenshots/
    .venv/bin/python -m tests.e2e.screenshots --url http://127.0.0.1:8123 --out /tmp/shots

It logs in with the demo logins through the log-in form, as a person would, and drives Debian's
Chromium with Playwright (the same launch as the test suite).
"""
import argparse
import re
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
PASSWORD = "demo-auction-2026"  # auction/ops/management/commands/seed_demo.py
PERSON, STAFF = "alice", "staff"


def logged_in(browser: Browser, url: str, viewport: dict, username: str | None) -> BrowserContext:
    context = browser.new_context(viewport=viewport, device_scale_factor=1)
    if username:
        page = context.new_page()
        page.goto(f"{url}/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        with page.expect_navigation():
            page.get_by_role("button", name="Log in").click()
        page.close()
    return context


def shoot(page: Page, url: str, path: Path) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=path, full_page=True)


def item_links(page: Page, url: str) -> dict[str, str]:
    """An open item (the first on the browse page) and, from the person's account, a closed one."""
    found = {}
    page.goto(url)
    first = page.locator("a.card-link").first
    if first.count():
        found["item-open"] = first.get_attribute("href")
    page.goto(f"{url}/account/")
    for row in page.locator(".row").all():
        text = row.inner_text()
        if re.search(r"You won|Sold to|cancelled|Ended", text):
            found["item-closed"] = row.locator("a.row-title").get_attribute("href")
            break
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    url = args.url.rstrip("/")
    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for size, viewport in SIZES.items():
            visitor = logged_in(browser, url, viewport, None).new_page()
            person = logged_in(browser, url, viewport, PERSON).new_page()
            staff = logged_in(browser, url, viewport, STAFF).new_page()
            items = item_links(person, url)
            pages = [
                (visitor, "browse", "/"), (visitor, "search", "/?q=lamp"),
                (visitor, "signup", "/accounts/signup/"), (visitor, "login", "/accounts/login/"),
                (person, "sell", "/sell/"), (person, "account", "/account/"), (person, "analytics", "/analytics/"),
                (staff, "ops", "/ops/"), (staff, "mail", "/ops/mail/"), (staff, "whatif", "/ops/whatif/"),
                *((person, name, href) for name, href in items.items()),
            ]
            for page, name, path in pages:
                shoot(page, f"{url}{path}", args.out / f"{name}-{size}.png")
                print(f"{name}-{size}.png")
        browser.close()


if __name__ == "__main__":
    main()
