"""Every page a person or staff member uses, in Chromium, checked by axe-core (WCAG 2 A and AA rules:
no serious or critical violation) and at a phone's width (no sideways scrolling, bidding controls
big enough to tap); and bidding, watching and selling with the keyboard alone.

Screenshots of what was checked go to test-artifacts/ui/.
"""
import re
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone
from playwright.sync_api import Page, expect

from auction.catalog.models import Item
from auction.catalog.services import item_cancel
from auction.notifications.models import CapturedMail
from auction.whatif.models import WhatIfDifference, WhatIfRun
from auction.whatif.rules import rules_as_json
from streams.bidding import IncrementTable, Rules
from tests.integration.live.support import list_item
from tests.support.auctions import publish_bid
from tests.support.pictures import png
from tests.support.waiting import eventually

ROOT = Path(__file__).resolve().parents[3]
AXE = ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts" / "ui"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
TAP_PX = 44

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


EMAIL_CONTEXT = {
    "site_name": "Open Auction", "site_url": "http://auction.example.test", "title": "Walnut desk lamp", "price": "€30.00",
    "recipient_name": "winner", "item_url": "http://auction.example.test/items/1/", "seller_name": "seller",
    "account_url": "http://auction.example.test/account/", "unsubscribe_url": "http://auction.example.test/emails/unsubscribe/x/",
}


def axe_violations(page: Page) -> list[str]:
    """axe-core's serious and critical WCAG 2 A/AA violations on the page as it is now, one line each."""
    assert AXE.exists(), f"{AXE} is missing: deploy/bootstrap installs it (npm ci in frontend/)"
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("opts => axe.run(document, opts)", {"runOnly": {"type": "tag", "values": WCAG}, "resultTypes": ["violations"]})
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {node['target']} {node.get('failureSummary', '').splitlines()[-1:]}"
        for v in result["violations"] if v["impact"] in ("serious", "critical")
        for node in v["nodes"]
    ]


def settled(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")


def closed(item_id: str) -> Item:
    return eventually(lambda: Item.objects.filter(pk=item_id, status=Item.Status.CLOSED).first(), timeout_s=60, what="the item closed")


@pytest.fixture
def people(person, django_user_model):
    staff = person("staff")
    staff.is_staff = staff.is_superuser = True  # the admin's pages too
    staff.save(update_fields=["is_staff", "is_superuser"])
    return {"seller": person("seller"), "winner": person("winner"), "other": person("other"), "staff": staff}


@pytest.fixture
def auctions(live_pipeline, people):
    """An open item with bids, one sold, one cancelled; ids by state."""
    run = uuid.uuid4().hex[:6]
    seller, winner, other = people["seller"], people["winner"], people["other"]
    open_id = list_item(seller, title=f"Brass telescope with a walnut tripod and a leather case {run}", ends_in_s=900)  # long: it must not widen a phone
    sold_id = list_item(seller, title=f"Walnut desk lamp {run}", ends_in_s=6)
    cancelled_id = list_item(seller, title=f"Film camera {run}", ends_in_s=900)
    publish_bid(open_id, other, 22_00)
    publish_bid(sold_id, other, 21_00)
    publish_bid(sold_id, winner, 30_00)
    item_cancel(item_id=uuid.UUID(cancelled_id), reason="Withdrawn by the seller.", staff=people["staff"])
    closed(sold_id)
    closed(cancelled_id)
    eventually(lambda: Item.objects.get(pk=open_id).bid_count == 1, timeout_s=30, what="the open item's bid projected")
    return {"open": open_id, "sold": sold_id, "cancelled": cancelled_id, "run": run}


@pytest.fixture
def whatif_run(people, auctions):
    """A finished "what if" run with one differing auction, as its page shows one (what runs find: tests/integration/whatif)."""
    now = timezone.now()
    totals = {"auctions": 2, "ended": 2, "sold": 1, "revenue": 30_00, "extensions": 0}
    run = WhatIfRun.objects.create(
        requested_by=people["staff"], range_start=now - timedelta(hours=1), range_end=now,
        rules=rules_as_json(Rules(increments=IncrementTable(((0, 2_00),)))), status=WhatIfRun.Status.SUCCEEDED,
        records_done=3, records_total=3, auctions=2, differing=1, changed_fields={"final_price": 1},
        totals={"EUR": {"before": totals, "after": {**totals, "revenue": 32_00}}},
    )
    WhatIfDifference.objects.create(
        run=run, item_id=auctions["sold"], currency="EUR", changed=["final_price"], outcome_before="sold",
        outcome_after="sold", winner_before="winner (#2)", winner_after="winner (#2)", price_before=30_00, price_after=32_00,
        extensions_before=0, extensions_after=0, ends_at_before=now, ends_at_after=now,
    )
    return run


def test_every_page_passes_axe_and_fits_a_phone(web_server, browser, log_in, people, auctions, whatif_run):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    item = lambda key: f"/items/{auctions[key]}/"  # noqa: E731
    won = EmailMultiAlternatives("You won “Walnut desk lamp”", render_to_string("notifications/email/won.txt", EMAIL_CONTEXT),
                                 "auction@example.test", ["winner@example.test"])
    won.attach_alternative(render_to_string("notifications/email/won.html", EMAIL_CONTEXT), "text/html")
    mail = CapturedMail.objects.create(sender="auction@example.test", recipients=["winner@example.test"],
                                       subject=won.subject, message=won.message().as_string())
    pages = [  # (who, name, path)
        (None, "browse", "/"),
        (None, "search", f"/?q=lamp+{auctions['run']}"),
        (None, "item-open", item("open")),
        (None, "item-closed", item("sold")),
        (None, "item-cancelled", item("cancelled")),
        (None, "signup", "/accounts/signup/"),
        (None, "login", "/accounts/login/"),
        (None, "analytics", "/analytics/"),
        ("other", "item-bidding", item("open")),
        ("other", "sell", "/sell/"),
        ("other", "account", "/account/"),
        ("winner", "item-won", item("sold")),
        ("staff", "ops", "/ops/"),
        ("staff", "mailbox", "/ops/mail/"),
        ("staff", "mail", f"/ops/mail/{mail.pk}/"),
        ("staff", "admin", "/admin/"),
        ("staff", "admin-items", "/admin/catalog/item/"),
        ("staff", "admin-item", f"/admin/catalog/item/{auctions['sold']}/change/"),
        ("staff", "whatif", "/ops/whatif/"),
        ("staff", "whatif-run", f"/ops/whatif/{whatif_run.pk}/"),
    ]
    failures: list[str] = []
    for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        contexts = {None: browser.new_context(viewport=viewport)}
        for who in ("other", "winner", "staff"):
            contexts[who] = browser.new_context(viewport=viewport)
            log_in(contexts[who], people[who])
        tabs = {who: context.new_page() for who, context in contexts.items()}
        for who, name, path in pages:
            page = tabs[who]
            settled(page, f"{web_server}{path}")
            page.screenshot(path=ARTIFACTS / f"{name}-{size}.png", full_page=True)
            if size == "desktop":
                failures += [f"{name}: {line}" for line in axe_violations(page)]
            else:
                width = page.evaluate("document.documentElement.scrollWidth")
                if width > PHONE["width"]:
                    failures.append(f"{name}: {width}px wide on a {PHONE['width']}px phone")
        phone_bid = tabs["other"]
        if size == "phone":
            settled(phone_bid, f"{web_server}{item('open')}")
            for control in (phone_bid.get_by_label("Your bid"), phone_bid.get_by_role("button", name="Place bid")):
                box = control.bounding_box()
                if box["height"] < TAP_PX:
                    failures.append(f"bidding control {control} is {box['height']}px tall on a phone")
        for context in contexts.values():
            context.close()

    email = browser.new_page()
    email.set_content(render_to_string("notifications/email/won.html", EMAIL_CONTEXT))
    failures += [f"email: {line}" for line in axe_violations(email)]
    email.close()
    assert not failures, "\n".join(failures)


def tab_to(page: Page, locator, limit: int = 80) -> None:
    """Press Tab until `locator` has the focus, which must show a focus ring."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("element => element === document.activeElement"):
            outline = locator.evaluate("element => getComputedStyle(element).outlineStyle")
            assert outline != "none", f"{locator} shows no focus ring"
            return
    raise AssertionError(f"Tab never reached {locator}")


def masked(user) -> str:
    return f"{user.username[0]}***{user.username[-1]}"


def test_a_closed_item_speaks_to_each_reader_in_their_zone(web_server, browser, log_in, people, auctions):
    url = f"{web_server}/items/{auctions['sold']}/"
    expected = {
        "winner": "You won this auction for €30.00",
        "seller": f"Sold to {masked(people['winner'])} for €30.00",
        "other": f"Sold to {masked(people['winner'])} for €30.00",
        None: f"Sold to {masked(people['winner'])} for €30.00",
    }
    for who, words in expected.items():
        context = browser.new_context(timezone_id="Asia/Tokyo", locale="en-GB")
        if who:
            log_in(context, people[who])
        page = context.new_page()
        page.goto(url)
        expect(page.locator('[data-field="outcome"]')).to_have_text(words)
        assert people["winner"].username not in page.content() or who == "winner"
        # the chart shows the two bids the history lists
        expect(page.locator("[data-price-chart]")).to_have_attribute("data-points", "2")
        expect(page.locator("[data-price-chart] [data-empty]")).to_be_hidden()
        # times in the reader's zone (Tokyo is UTC+9), the UTC instant kept in the title
        ended = page.locator(".ends time[data-local]")
        expect(ended).to_have_attribute("title", re.compile(r" UTC$"))
        expect(ended).to_have_text(re.compile(r"GMT\+9|JST"))
        expect(page.locator(".bid-list time[data-local]").first).to_have_text(re.compile(r"GMT\+9|JST"))
        context.close()


def test_bidding_and_watching_with_the_keyboard_alone(web_server, browser, log_in, people, auctions):
    context = browser.new_context(viewport=DESKTOP)
    log_in(context, people["winner"])
    page = context.new_page()
    page.goto(f"{web_server}/items/{auctions['open']}/")
    expect(page.locator("html")).to_have_attribute("data-live", "open")

    tab_to(page, page.get_by_label("Your bid"))
    page.keyboard.type("40")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator('[data-field="leader"]')).to_have_text("You're the highest bidder.")
    expect(page.locator('.price-big[data-field="price"]')).not_to_have_text("€22.00")

    watch = page.get_by_role("button", name="☆ Watch this item")
    tab_to(page, watch)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("button", name=re.compile("Watching"))).to_have_attribute("aria-pressed", "true")

    # another bid outbids: the page's live region says the new price and that they were outbid
    page.evaluate("""() => {
        window.heard = [];
        const region = document.querySelector('[data-announcer]');
        new MutationObserver(() => region.textContent && window.heard.push(region.textContent))
            .observe(region, {childList: true, characterData: true, subtree: true});
    }""")
    publish_bid(auctions["open"], people["other"], 60_00)
    page.wait_for_function("window.heard.some(text => /outbid/i.test(text))", timeout=15_000)
    page.wait_for_function("window.heard.some(text => text.includes('Price now'))", timeout=15_000)
    context.close()


def test_selling_and_the_analytics_filters_with_the_keyboard_alone(live_pipeline, web_server, browser, log_in, people, tmp_path):
    context = browser.new_context(viewport=DESKTOP)
    log_in(context, people["seller"])
    page = context.new_page()
    page.goto(f"{web_server}/sell/")
    title = f"Oak writing desk {uuid.uuid4().hex[:6]}"
    for label, keys in (("Title", title), ("Category", "Home"), ("Description", "Solid oak, three drawers."),
                        ("Location", "Lyon"), ("Starting price", "40")):
        tab_to(page, page.get_by_label(label))
        page.keyboard.type(keys)
    photo = tmp_path / "desk.png"
    photo.write_bytes(png())
    page.get_by_label("Photos").set_input_files(photo)  # a file chooser is the operating system's, not the page's
    tab_to(page, page.get_by_label("Starting price"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=title)).to_be_visible(timeout=30_000)

    page.goto(f"{web_server}/analytics/")
    tab_to(page, page.locator('select[name="range"]'))
    page.keyboard.press("End")  # the last range
    last = page.locator('select[name="range"] option').last.get_attribute("value")
    tab_to(page, page.get_by_role("button", name="Show"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert f"range={last}" in page.url
    context.close()
