"""One place answers for the services' refusals: 503 when Kafka is down, 429 on a bid flood."""
import socket

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

import auction.publishing as publishing
from auction.catalog.models import ListingAttempt
from auction.errors import UNAVAILABLE
from tests.support.photos import photo_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def kafka_unreachable(settings):
    """Points the shared producer at a port nothing listens on, then restores it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    saved, publishing._producer = publishing._producer, None
    settings.KAFKA_BOOTSTRAP_SERVERS = f"127.0.0.1:{closed_port}"
    yield
    if publishing._producer is not None:
        publishing._producer.close(timeout=0)
    publishing._producer = saved


def test_the_api_answers_503_and_nothing_is_written(client, make_user, make_item, kafka_unreachable):
    client.force_login(make_user("bidder"))
    item = make_item()

    response = client.post(f"/api/items/{item.pk}/bids", {"amount": "20"}, content_type="application/json")

    assert response.status_code == 503
    assert response.json() == {"error": UNAVAILABLE, "fields": {}}
    assert response["Retry-After"]


def test_the_sell_page_answers_503_and_keeps_no_photos(client, make_user, kafka_unreachable, settings):
    """Nor its attempt: nothing was published, so the same form sent again lists it afresh."""
    seller = make_user("seller")
    client.force_login(seller)
    photo = photo_bytes()

    response = client.post(
        "/sell/",
        {
            "title": "Lamp", "description": "Bright.", "category": "home", "starting_price": "5",
            "duration_seconds": "86400", "location": "Lyon", "images": [SimpleUploadedFile("a.png", photo)],
            "attempt": "sent-while-kafka-was-away",
        },
    )

    assert response.status_code == 503
    assert UNAVAILABLE in response.content.decode()
    assert list((settings.MEDIA_ROOT / "items").iterdir()) == []
    assert not ListingAttempt.objects.filter(seller_id=seller.pk).exists()


def _flood(post, attempts: int = 20) -> tuple[list[int], object]:
    """Posts until refused with 429 (one bid per second is allowed); returns the statuses before it and the 429."""
    statuses = []
    for _ in range(attempts):
        response = post()
        if response.status_code == 429:
            return statuses, response
        statuses.append(response.status_code)
    raise AssertionError(f"{attempts} bids were never rate limited: {statuses}")


def test_a_bid_flood_is_answered_429_with_retry_after(client, make_user, make_item, settings, event_log):
    settings.AUCTION_BIDS_PER_SECOND = 1
    bidder = make_user("flooder")
    client.force_login(bidder)
    item = make_item()

    statuses, limited = _flood(lambda: client.post(f"/api/items/{item.pk}/bids", {"amount": "20"}, content_type="application/json"))

    assert limited["Retry-After"] == "1"
    assert limited.json()["error"] == "Too many bids: wait 1 s and try again."
    assert set(statuses) == {202}
    assert len(event_log.events(by=bidder.username)) == len(statuses)


def test_a_bid_flood_from_the_page_gets_the_429_page(client, make_user, make_item, settings):
    settings.AUCTION_BIDS_PER_SECOND = 1
    client.force_login(make_user("flooder"))
    item = make_item()

    _, limited = _flood(lambda: client.post(f"/items/{item.pk}/bid/", {"amount": "20"}))

    assert limited["Retry-After"] == "1"
    assert "Too many bids: wait 1 s and try again." in limited.content.decode()
