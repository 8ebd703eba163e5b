"""In Chromium: the analytics page draws its charts and a new bid shows up on it, and on the item's own chart, without a reload.

The whole pipeline runs: bids go to Kafka, the bidding processor decides them, the analytics
processor (replaying the shared log from the start, into the test database) windows them and
tells open pages over the live socket, and the page fetches its figures again. The site here
polls only every hour (its fallback while the socket is down), so only the push can explain an
update. The items are in a category of the test's own, so the page can be filtered to them.
"""
import random
import time
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from auction.analytics import models
from auction.catalog.models import Item
from auction.publishing import publish
from streams.events import BidPlaced, ItemListed
from streams.money import Money
from tests.integration.conftest import ROOT, serving_web

ARTIFACTS = ROOT / "test-artifacts" / "analytics"
TIMEOUT_MS = 60_000
CHARTED = ["bids", "hot-items", "price-trajectories", "closing-prices", "sell-through", "sell-through-over-time", "highest-bids"]

pytestmark = [pytest.mark.e2e]

PAINTED = """canvas => {
    const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    let painted = 0;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
    return painted > 2000;
}"""
DRAWN = f"""names => names.every(name => {{
    const chart = window.AuctionAnalytics && window.AuctionAnalytics.charts[name];
    return chart && chart.data.datasets.some(d => d.data.some(v => v !== null && v !== 0)) && ({PAINTED})(chart.canvas);
}})"""

HOT_BIDS = """([title, bids]) => [...document.querySelectorAll('[data-table="hot-items"] tr')]
    .some(row => row.cells[1] && row.cells[1].textContent === title && row.cells[3].textContent === String(bids))"""


@pytest.fixture(scope="module")
def live_site(processor_env, provisioned_topics, tmp_path_factory):
    """The site with a fallback poll of an hour: figures that change sooner came by the live socket."""
    env = {**processor_env, "ANALYTICS_REFRESH_SECONDS": "3600"}
    with serving_web(env, tmp_path_factory.mktemp("web-analytics") / "web.log") as url:
        yield url


def _listing(category: str, title: str, lasting: timedelta) -> ItemListed:
    """An auction of `lasting`, without soft close, so it ends when it says."""
    now = timezone.now()
    return ItemListed(
        item_id=str(uuid.uuid4()), seller_id=random.randrange(10**8, 2**31), seller_name="ana", title=title,
        description="for the analytics test", category=category, location="Lisbon",
        starting_price=Money(minor=10_00), starts_at=now, ends_at=now + lasting, extension_window_seconds=0,
    )


def _bid(item: ItemListed, euros: int) -> None:
    bidder = random.randrange(10**8, 2**31)
    publish(BidPlaced(
        bid_id=str(uuid.uuid4()), item_id=item.item_id, bidder_id=bidder, bidder_name=f"b{bidder}",
        amount=Money(minor=euros * 100), placed_at=timezone.now(),
    ))


def _wait_for(check, what: str, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout_s} s for {what}")
        time.sleep(0.2)


def test_charts_are_drawn_and_a_new_bid_appears_without_a_reload(
    transactional_db, live_site, web_server, auction_pipeline, start_processor, page
):
    start_processor("analytics")
    category = f"lamps-{uuid.uuid4().hex[:6]}"
    hot = _listing(category, f"Hot lamp {category}", timedelta(hours=1))
    quick = _listing(category, f"Quick lamp {category}", timedelta(seconds=3))
    publish(hot)
    publish(quick)
    for euros in (10, 20, 30, 40, 50):
        _bid(hot, euros)
    _bid(quick, 15)
    # a fresh analytics processor first replays the whole shared log: allow for a long one on a busy machine
    _wait_for(lambda: models.BidFact.objects.filter(item_id=hot.item_id).count() == 5, "the five bids in analytics", 240)
    _wait_for(lambda: models.AuctionSummary.objects.filter(item_id=quick.item_id).exists(), "the quick auction's close")

    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{live_site}/analytics/?category={category}&range=15m")
    page.wait_for_function(DRAWN, arg=CHARTED)
    page.wait_for_function(HOT_BIDS, arg=[hot.title, 5])
    page.wait_for_function("() => document.getElementById('analytics').dataset.live === 'open'")
    assert float(page.evaluate("document.getElementById('analytics').dataset.refreshSeconds")) == 3600
    page.evaluate("window.notReloaded = true")

    _bid(hot, 60)  # the poll would come in an hour: the page changes because the processor said so
    page.wait_for_function(HOT_BIDS, arg=[hot.title, 6])
    page.wait_for_function("() => document.querySelector('[data-kpi=\"bids\"]').textContent === '7'")
    assert page.evaluate("window.notReloaded") is True, "the page updated in place"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / "analytics-page.png", full_page=True)

    _wait_for(lambda: Item.objects.filter(pk=hot.item_id, bid_count=6).exists(), "the projector to show the item", 240)
    # the item page's price chart still polls (every few seconds on the ordinary test site)
    page.goto(f"{web_server}/items/{hot.item_id}/")
    page.wait_for_function("() => document.querySelector('[data-price-chart]').dataset.points === '6'")
    page.evaluate("window.notReloaded = true")
    _bid(hot, 70)
    page.wait_for_function("() => document.querySelector('[data-price-chart]').dataset.points === '7'")
    assert page.evaluate("window.notReloaded") is True
    assert page.evaluate(f"() => ({PAINTED})(document.querySelector('[data-price-chart] canvas'))"), "the price line is drawn"
    page.screenshot(path=ARTIFACTS / "item-price-chart.png", full_page=True)
