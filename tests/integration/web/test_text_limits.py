"""Text limits hold for the text as published: 120 × "İ" is 239 characters once capitalized.

Every case that is too long once normalized is a 400 with a message naming the field and the
limit, through the API and on the pages, and nothing is published or saved; text exactly at
the limit goes through.
"""
import json
import time
import uuid
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from kafka.partitioner.default import murmur2

from auction.api.errors import INVALID_FIELDS
from auction.catalog.models import Item
from auction.text import place_name
from streams.events import ItemListed, encode
from streams.money import Money
from streams.topics import topic_for
from tests.integration.runtime.support import produce
from tests.support.photos import photo_bytes

pytestmark = pytest.mark.django_db

EXPANDING = "İ" * 120  # 120 characters typed, 239 once each word is capitalized ("İİ" → "İi̇")
LOCATION_TOO_LONG = "Location must be at most 120 characters as the site stores it, with each word capitalized: this one then has 239."
AT_THE_LIMIT = {"title": "t" * 120, "description": "d" * 5000, "location": "  " + "l" * 120 + " "}
GROWS_UNDER_NFKC = "㍿" * 38  # 38 characters typed, 152 once NFKC-normalized as Django saves usernames ("株式会社")
GROWS_IN_LOWER_CASE = "a@" + ".".join(["İ" * 20] * 8) + ".com"  # 173 characters typed, 333 with the domain lower-cased
PNG = photo_bytes()


@pytest.fixture
def seller(client, make_user):
    user = make_user("seller")
    client.force_login(user)
    return user


def _api_item(**changes) -> str:
    item = {"title": "Brass lamp", "description": "Works.", "category": "home", "location": "lyon", "starting_price": "20.00"}
    return json.dumps(item | changes)


def _page_item(**changes) -> dict:
    item = {
        "title": "Brass lamp", "description": "Works.", "category": "home", "starting_price": "20", "reserve_price": "",
        "buy_now_price": "", "duration_seconds": str(86400), "location": "lyon", "images": [SimpleUploadedFile("a.png", PNG)],
    }
    return item | changes


def test_the_api_refuses_a_location_too_long_once_normalized_and_publishes_nothing(client, seller, event_log):
    response = client.post("/api/items", _api_item(location=EXPANDING), content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"error": INVALID_FIELDS, "fields": {"location": LOCATION_TOO_LONG}}
    assert event_log.events(by=seller.username) == []


def test_the_api_takes_a_listing_exactly_at_every_limit(client, seller, event_log):
    response = client.post("/api/items", _api_item(**AT_THE_LIMIT), content_type="application/json")

    assert response.status_code == 202
    [event] = event_log.events(by=seller.username)
    assert isinstance(event, ItemListed) and response.json()["id"] == event.item_id
    assert (len(event.title), len(event.description), event.location) == (120, 5000, "L" + "l" * 119)


def test_the_sell_page_refuses_a_location_too_long_once_normalized_and_publishes_nothing(client, seller, event_log):
    response = client.post("/sell/", _page_item(location=EXPANDING))

    assert response.status_code == 400
    assert f'data-error-for="location">{LOCATION_TOO_LONG}<' in response.content.decode()
    assert event_log.events(by=seller.username) == []


def test_the_sell_page_takes_a_listing_exactly_at_every_limit(client, seller, event_log):
    response = client.post("/sell/", _page_item(**AT_THE_LIMIT))

    [event] = event_log.events(by=seller.username)
    assert response.status_code == 302 and response["Location"] == f"/items/{event.item_id}/"
    assert (len(event.title), len(event.description), event.location) == (120, 5000, "L" + "l" * 119)


def test_read_model_columns_hold_more_than_the_edge_lets_through(make_item):
    item = make_item(title="t" * 1000, location="L" * 1000, seller_name="s" * 1000)

    assert Item.objects.get(pk=item.pk).title == "t" * 1000


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"username": GROWS_UNDER_NFKC}, "username", "Username must be at most 150 characters as the site stores it"),
        ({"email": GROWS_IN_LOWER_CASE}, "email", "Email address must be at most 254 characters"),
    ],
    ids=["username", "email"],
)
def test_api_sign_up_refuses_a_name_or_email_too_long_as_saved(client, unique_name, changes, field, message):
    name = unique_name("api")
    data = {"username": name, "email": f"{name}@example.com", "password": "tulip river 1984"} | changes

    response = client.post("/api/users", data, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["fields"][field].startswith(message)
    assert not get_user_model().objects.filter(email=data["email"]).exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"username": GROWS_UNDER_NFKC}, "Username must be at most 150 characters as the site stores it"),
        ({"email": GROWS_IN_LOWER_CASE}, "Email address must be at most 254 characters"),
    ],
    ids=["username", "email"],
)
def test_the_sign_up_page_refuses_a_name_or_email_too_long_as_saved(client, unique_name, changes, message):
    name = unique_name("newcomer")
    data = {"username": name, "email": f"{name}@example.com", "password1": "tulip river 1984", "password2": "tulip river 1984"}

    response = client.post("/accounts/signup/", data | changes)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not get_user_model().objects.filter(email=(data | changes)["email"]).exists()


def test_a_name_at_the_limit_once_normalized_signs_up(client):
    name = "㍿" * 37 + "ab"  # 150 characters as saved

    response = client.post("/api/users", {"username": name, "email": "a@example.com", "password": "tulip river 1984"}, content_type="application/json")

    assert response.status_code == 201
    assert len(response.json()["username"]) == 150


def _same_partition_ids(partitions: int) -> tuple[str, str]:
    """Two item ids whose records land on the same partition (the producer's murmur2 of the key), so
    the second waits behind the first."""

    def partition(item_id: str) -> int:
        return (murmur2(item_id.encode()) & 0x7FFFFFFF) % partitions

    first = str(uuid.uuid4())
    while partition(second := str(uuid.uuid4())) != partition(first):
        pass
    return first, second


@pytest.mark.django_db(transaction=True)
def test_a_listing_that_bypassed_the_edge_is_refused_by_the_projector_which_goes_on(
    auction_pipeline, kafka_bootstrap, make_user
):
    """The reported failure: the projector could not store the location and stopped its partition."""
    seller, topic = make_user("seller"), topic_for(ItemListed)
    poisoned_id, next_id = _same_partition_ids(topic.partitions)
    now = timezone.now().replace(microsecond=0)

    def record(item_id: str, **payload_changes) -> tuple:
        event = ItemListed(
            item_id=item_id, seller_id=seller.pk, seller_name=seller.username, title="Lamp", description="",
            category="home", location="Lyon", starting_price=Money(minor=10_00), starts_at=now,
            ends_at=now + timedelta(days=1),
        )
        encoded = encode(event, source="test")
        return encoded.key, json.dumps(json.loads(encoded.value) | payload_changes).encode(), encoded.headers

    produce(kafka_bootstrap, topic.name, [record(poisoned_id, location=place_name(EXPANDING)), record(next_id)])

    deadline = time.monotonic() + 20
    while not Item.objects.filter(pk=next_id).exists():
        assert time.monotonic() < deadline, "the projector did not get past the over-long listing"
        time.sleep(0.1)
    assert not Item.objects.filter(pk=poisoned_id).exists()
