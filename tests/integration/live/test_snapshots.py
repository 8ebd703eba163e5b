"""Snapshots: an item's public state as JSON, reading exactly as the page does, for the viewer asking."""
import json
import uuid
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from auction.bidding.models import Bid
from auction.catalog.models import Item
from auction.live.views import MAX_ITEMS

pytestmark = pytest.mark.django_db


class LiveParts(HTMLParser):
    """The seq, the text and attributes of every `data-field` element of an item page, and its bid history rows."""

    def __init__(self) -> None:
        super().__init__()
        self.seq: int | None = None
        self.fields: dict[str, dict] = {}
        self.history: list[dict] = []
        self._open: list[tuple[str, str]] = []  # (tag, field) of data-field elements being read
        self._row_part: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "data-seq" in attributes:
            self.seq = int(attributes["data-seq"])
        if field := attributes.get("data-field"):
            self.fields.setdefault(field, {"attrs": attributes, "text": ""})
            self._open.append((tag, field))
        if any(field == "history" for _, field in self._open):
            if tag == "li":
                self.history.append({"bidder": "", "amount": "", "time": "", "datetime": ""})
            elif self.history and tag in ("span", "time"):
                self._row_part = attributes.get("class") if tag == "span" else "time"
                if tag == "time":
                    self.history[-1]["datetime"] = attributes["datetime"]

    def handle_endtag(self, tag):
        self._row_part = None
        if self._open and self._open[-1][0] == tag:
            self._open.pop()

    def handle_data(self, data):
        for _, field in self._open:
            self.fields[field]["text"] += data
        if self._row_part:
            self.history[-1][self._row_part] += data

    def text(self, field: str) -> str:
        return " ".join(self.fields[field]["text"].split())


def _page(client, item: Item) -> LiveParts:
    parts = LiveParts()
    parts.feed(client.get(f"/items/{item.pk}/").content.decode())
    return parts


def _snapshot(client, item: Item) -> dict:
    response = client.get(f"/live/items/{item.pk}/")
    assert response.status_code == 200 and response["Cache-Control"].startswith("max-age=0")
    return response.json()


@pytest.fixture
def people(django_user_model):
    def make(*prefixes):
        return [
            django_user_model.objects.create_user(username=f"{prefix}{uuid.uuid4().hex[:6]}", email=f"{prefix}@example.test")
            for prefix in prefixes
        ]

    return make


@pytest.fixture
def contested(people):
    """An open item with a reserve not met yet, two accepted bids and a rejected one."""
    seller, ana, ben = people("seller", "ana", "ben")
    now = timezone.now()
    item = Item.objects.create(
        id=uuid.uuid4(), seller_id=seller.pk, seller_name=seller.username, title="Brass telescope", category="home",
        currency="EUR", starting_price=20_00, reserve_price=500_00, starts_at=now - timedelta(hours=1),
        original_ends_at=now + timedelta(hours=3), ends_at=now + timedelta(hours=3, minutes=2), current_price=26_00,
        leader_id=ben.pk, leader_name=ben.username, bid_count=2, reserve_met=False, seq=3,
    )
    for n, (bidder, amount, status) in enumerate([(ana, 25_00, "accepted"), (ben, 26_00, "accepted"), (ana, 5_00, "rejected")]):
        Bid.objects.create(
            id=uuid.uuid4(), item_id=item.pk, bidder_id=bidder.pk, bidder_name=bidder.username, amount=amount,
            currency="EUR", status=status, decided_at=now - timedelta(minutes=10 - n), seq=n + 1,
        )
    return item, ana, ben


def _assert_snapshot_reads_like_the_page(client, item: Item) -> dict:
    page, snapshot = _page(client, item), _snapshot(client, item)
    fields = snapshot["fields"]
    assert (snapshot["item"], snapshot["seq"]) == (str(item.pk), page.seq)
    assert page.text("price") == fields["price"]
    assert page.text("price-label") == fields["price-label"]
    assert page.text("bid-count") == fields["bid-count"]["text"]
    if "time-left" in page.fields:  # a closed item's page says when it ended instead
        assert page.fields["time-left"]["attrs"]["data-ends-at"] == fields["time-left"]["ends_at"]
    assert [{k: row[k].strip() for k in row} for row in page.history] == snapshot["history"]
    return snapshot


def test_an_open_items_snapshot_reads_like_its_page_for_a_stranger(client, contested):
    item, ana, ben = contested

    snapshot = _assert_snapshot_reads_like_the_page(client, item)

    fields = snapshot["fields"]
    page = _page(client, item)
    assert page.text("minimum-bid") == fields["minimum-bid"]["text"] == "€27.00"
    assert page.text("reserve") == fields["reserve"]["text"] == "Reserve not met"
    assert page.text("leader") == f"Highest bidder: {fields['leader']['name']}"
    assert [row["bidder"] for row in snapshot["history"]] == [f"{ben.username[0]}***{ben.username[-1]}", f"{ana.username[0]}***{ana.username[-1]}"]
    text = json.dumps(snapshot)
    for private in (ana.username, ben.username, "_id", "500.00", "50000", "€5.00", "rejected"):
        assert private not in text


def test_the_leader_sees_themself_in_the_snapshot_as_on_the_page(client, contested):
    item, ana, ben = contested
    client.force_login(ben)

    snapshot = _assert_snapshot_reads_like_the_page(client, item)

    assert snapshot["fields"]["leader"] == {"name": ben.username, "you": True}
    assert _page(client, item).text("leader") == "You're the highest bidder."
    assert snapshot["history"][0]["bidder"] == ben.username


def test_a_closed_items_snapshot_carries_its_outcome(client, contested):
    item, ana, ben = contested
    Item.objects.filter(pk=item.pk).update(
        status="closed", outcome="reserve_not_met", high_bid=26_00, closed_at=timezone.now(), seq=4,
    )
    item.refresh_from_db()

    snapshot = _assert_snapshot_reads_like_the_page(client, item)

    fields = snapshot["fields"]
    assert _page(client, item).text("outcome") == fields["outcome"]["text"] == "Ended without a sale: the reserve was not met"
    assert (fields["status"], fields["minimum-bid"], fields["leader"], fields["time-left"]["closed"]) == ("closed", None, None, True)


def test_a_browse_page_gets_its_cards_in_one_request(client, contested, people):
    item, _, _ = contested
    [seller] = people("other")
    now = timezone.now()
    other = Item.objects.create(
        id=uuid.uuid4(), seller_id=seller.pk, seller_name=seller.username, title="Lamp", category="home", currency="EUR",
        starting_price=5_00, starts_at=now, original_ends_at=now + timedelta(hours=1), ends_at=now + timedelta(hours=1),
    )

    reply = client.get("/live/items/", {"id": [str(item.pk), str(other.pk), str(uuid.uuid4())]}).json()

    cards = {card["item"]: card for card in reply["items"]}
    assert set(cards) == {str(item.pk), str(other.pk)}, "unknown ids are left out"
    assert (cards[str(item.pk)]["seq"], cards[str(item.pk)]["fields"]["price"]) == (3, "€26.00")
    assert (cards[str(other.pk)]["seq"], cards[str(other.pk)]["fields"]["price"]) == (0, "€5.00")
    assert "history" not in cards[str(item.pk)]


def test_wrong_snapshot_requests_are_refused(client):
    assert client.get(f"/live/items/{uuid.uuid4()}/").status_code == 404
    assert client.get("/live/items/", {"id": "not-an-id"}).status_code == 400
    assert client.get("/live/items/", {"id": [str(uuid.uuid4()) for _ in range(MAX_ITEMS + 1)]}).status_code == 400
    assert client.post("/live/items/").status_code == 405
