"""Browsing: search, category, sort and pagination over open items, with live-update hooks on each card."""
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from auction.catalog.views import PAGE_SIZE

pytestmark = pytest.mark.django_db


def _titles(response) -> list[str]:
    assert response.status_code == 200
    return re.findall(r'<h3 class="card-title">([^<]+)</h3>', response.content.decode())


def test_only_open_items_are_listed(client, make_item):
    make_item(title="Open lamp")
    make_item(title="Closed lamp", status="closed", outcome="no_bids")

    assert _titles(client.get("/")) == ["Open lamp"]


def test_search_matches_title_and_description(client, make_item):
    make_item(title="Gramophone", description="plays 78s")
    make_item(title="Teapot", description="fits a gramophone cabinet")
    make_item(title="Kettle")

    assert sorted(_titles(client.get("/", {"q": "gramophone"}))) == ["Gramophone", "Teapot"]


def test_category_filter_and_an_unknown_category_falls_back_to_all(client, make_item):
    make_item(title="Novel", category="books")
    make_item(title="Drum", category="music")

    assert _titles(client.get("/", {"category": "books"})) == ["Novel"]
    assert sorted(_titles(client.get("/", {"category": "no-such-thing"}))) == ["Drum", "Novel"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("ending", ["Soon", "Cheap", "Dear"]),
        ("price_low", ["Cheap", "Soon", "Dear"]),
        ("price_high", ["Dear", "Soon", "Cheap"]),
        ("newest", ["Dear", "Cheap", "Soon"]),
        ("nonsense", ["Soon", "Cheap", "Dear"]),
    ],
)
def test_sort_orders_by_the_shown_price_or_time(client, make_item, sort, expected):
    now = timezone.now()
    make_item(title="Soon", starting_price=5_00, current_price=20_00, ends_at=now + timedelta(hours=1), starts_at=now - timedelta(days=3))
    make_item(title="Cheap", starting_price=10_00, ends_at=now + timedelta(hours=2), starts_at=now - timedelta(days=2))
    make_item(title="Dear", starting_price=90_00, ends_at=now + timedelta(hours=3), starts_at=now - timedelta(days=1))

    assert _titles(client.get("/", {"sort": sort})) == expected


def test_pagination_splits_results_and_keeps_the_filters_in_its_links(client, make_item):
    now = timezone.now()
    for number in range(PAGE_SIZE + 2):
        make_item(title=f"Stamp {number:02d}", category="collectibles", ends_at=now + timedelta(hours=1, minutes=number))

    first = client.get("/", {"category": "collectibles"})
    second = client.get("/", {"category": "collectibles", "page": 2})

    assert len(_titles(first)) == PAGE_SIZE
    assert _titles(second) == ["Stamp 24", "Stamp 25"]
    assert "category=collectibles&amp;sort=ending&amp;page=2" in first.content.decode()
    assert _titles(client.get("/", {"category": "collectibles", "page": "x"})) == _titles(first)


def test_each_card_carries_hooks_for_live_updates(client, make_item):
    item = make_item(current_price=42_00, bid_count=4)

    html = client.get("/").content.decode()

    card = html[html.index(f'<article class="card" data-item-id="{item.pk}"') :]
    assert f'data-item-id="{item.pk}" data-field="price">€42.00<' in card
    assert re.search(rf'data-item-id="{item.pk}" data-field="bid-count" data-count="4">4 bids<', card)
    assert re.search(rf'data-item-id="{item.pk}" data-field="time-left" data-ends-at="[^"]+" data-server-now="[^"]+"', card)
    assert 'src="/media/items/telescope.jpg"' in card


def test_an_empty_search_says_so(client):
    assert "Nothing found" in client.get("/", {"q": "unobtainium"}).content.decode()


def test_odd_input_never_breaks_the_page(client, make_item):
    make_item(title="Lamp")

    assert _titles(client.get("/", {"q": "lamp\x00"})) == ["Lamp"]
    assert _titles(client.get("/", {"page": str(10**30)})) == ["Lamp"]
