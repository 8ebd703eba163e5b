"""/api/items/{id}/bids and /buy-now: the public history, placing bids, buying now."""
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from auction.accounts.models import Suspension
from auction.accounts.tokens import token_issue
from auction.bidding.feedback import bid_feedback
from auction.bidding.models import Bid
from auction.bidding.selectors import bid_get
from auction.streaming import wait
from auction.streaming.announcements import board
from streams.events import BidPlaced, BuyNowRequested
from streams.money import Money
from tests.integration.web.conftest import READ_TIMEOUT_S


@pytest.fixture
def bidder(make_user):
    return make_user("bidder")


@pytest.fixture
def bidder_client(client, bidder):
    client.force_login(bidder)
    return client


def _place(client, item, key: str | None = None, **data):
    headers = {} if key is None else {"Idempotency-Key": key}
    return client.post(f"/api/items/{item.pk}/bids", data, content_type="application/json", headers=headers)


def _bid_row(item, user, amount: int, status=Bid.Status.ACCEPTED, minutes_ago: int = 1) -> Bid:
    return Bid.objects.create(
        id=uuid.uuid4(), item_id=item.pk, bidder_id=user.pk, bidder_name=user.username, amount=amount, currency="EUR",
        status=status, leader_after_id=user.pk, decided_at=timezone.now() - timedelta(minutes=minutes_ago),
    )


@pytest.mark.django_db
def test_the_history_is_accepted_bids_newest_first_with_masked_names(client, make_item, make_user):
    item = make_item()
    early, late, refused = make_user("jonathan"), make_user("maria"), make_user("zed")
    _bid_row(item, early, 11_00, minutes_ago=5)
    _bid_row(item, late, 12_50, minutes_ago=1)
    _bid_row(item, refused, 5_00, status=Bid.Status.REJECTED)

    body = client.get(f"/api/items/{item.pk}/bids").json()

    assert body["item_id"] == str(item.pk)
    assert [(bid["bidder"], bid["amount"], bid["currency"]) for bid in body["bids"]] == [
        (f"m***{late.username[-1]}", "12.50", "EUR"),
        (f"j***{early.username[-1]}", "11.00", "EUR"),
    ]
    assert set(body["bids"][0]) == {"bidder", "amount", "currency", "placed_at"}


@pytest.mark.django_db
def test_a_bid_is_published_and_pending_while_undecided(bidder_client, bidder, make_item, event_log):
    item = make_item(current_price=20_00, bid_count=1)

    response = _place(bidder_client, item, amount="22.50", max_amount="40")

    [event] = event_log.events(by=bidder.username)
    assert isinstance(event, BidPlaced)
    assert (event.amount, event.max_amount) == (Money(minor=22_50), Money(minor=40_00))
    assert response.status_code == 202
    body = response.json()
    assert (body["status"], body["bid_id"], body["leading"]) == ("pending", event.bid_id, None)
    assert body["message"].startswith("Pending")
    assert body["item"]["id"] == str(item.pk) and body["item"]["minimum_bid"] == "20.50"


@pytest.mark.django_db(transaction=True)
def test_a_decided_bid_answers_with_the_decision(bidder_client, bidder, list_item, monkeypatch):
    item = list_item()
    board().start()
    assert board().subscribed.wait(30), "the web process never subscribed to the projector's announcements"
    # the waiter looks by itself only at the end of the wait: on a slow machine a look before the
    # announcement could find the bid first, and the reads counted here would depend on timing
    monkeypatch.setattr(wait, "FALLBACK_LOOK_S", READ_TIMEOUT_S)

    with CaptureQueriesContext(connection) as queries:
        accepted = _place(bidder_client, item, amount="10")
        rejected = _place(bidder_client, item, amount="10")

    assert accepted.status_code == 200
    assert (accepted.json()["status"], accepted.json()["leading"]) == ("accepted", True)
    assert accepted.json()["item"]["current_price"] == "10.00"
    assert (rejected.status_code, rejected.json()["status"], rejected.json()["minimum"]) == (200, "rejected", "10.50")
    reads = [query["sql"] for query in queries if query["sql"].startswith("SELECT")]
    assert not [sql for sql in reads if 'FROM "bidding_bid"' in sql], "the decision came with the announcement"
    assert len([sql for sql in reads if 'FROM "catalog_item"' in sql]) == 2, "one item read per bid, before it"
    # the reply is what reading the rows after it says: read-your-writes, and the same JSON as before the news
    after = bidder_client.get(f"/api/items/{item.pk}").json()
    assert rejected.json()["item"] == after and after["bid_count"] == 1 and after["leader"] == bidder.username
    for reply in (accepted, rejected):
        feedback = bid_feedback(bid_get(bid_id=reply.json()["bid_id"]), bidder_id=bidder.pk)
        expected = {"status": feedback.status, "message": feedback.message, "leading": feedback.leading,
                    "reason": feedback.reason, "minimum": feedback.minimum and feedback.minimum.format()}
        assert {key: reply.json()[key] for key in expected} == expected


@pytest.mark.django_db(transaction=True)
def test_a_bid_sent_again_with_its_idempotency_key_is_the_same_bid(bidder_client, list_item):
    item = list_item()

    first = _place(bidder_client, item, amount="10", key="retry-1")
    again = _place(bidder_client, item, amount="10", key="retry-1")
    other_amount = _place(bidder_client, item, amount="12", key="retry-1")
    new_key = _place(bidder_client, item, amount="10", key="retry-2")

    assert (first.status_code, first.json()["status"]) == (200, "accepted")
    assert (again.status_code, again.json()["status"], again.json()["bid_id"]) == (200, "accepted", first.json()["bid_id"])
    assert Bid.objects.filter(item_id=item.pk).count() == 2  # the first attempt and the new key's, not the retry
    assert again.json()["item"]["bid_count"] == 1
    assert other_amount.status_code == 409
    assert other_amount.json()["error"] == "This Idempotency-Key was used for a bid of 10.00 EUR; use a new key for a new bid."
    assert (new_key.json()["status"], new_key.json()["minimum"]) == ("rejected", "10.50")


@pytest.mark.django_db
def test_a_retry_of_an_undecided_bid_sends_the_same_bid_id(bidder_client, bidder, make_item, event_log):
    """After a 202 or an uncertain 503 the retry is sent again; the bidding processor answers a bid id once."""
    item = make_item(current_price=20_00, bid_count=1)

    first = _place(bidder_client, item, amount="25", key="k")
    again = _place(bidder_client, item, amount="25", key="k")

    placed = event_log.events(by=bidder.username)
    assert [event.bid_id for event in placed] == [first.json()["bid_id"]] * 2
    assert again.json()["bid_id"] == first.json()["bid_id"]
    assert uuid.UUID(first.json()["bid_id"]).version == 5


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "x" * 256, "two words", "naïve"])
def test_a_malformed_idempotency_key_is_a_400_and_publishes_nothing(bidder_client, bidder, make_item, event_log, key):
    response = _place(bidder_client, make_item(), amount="10", key=key)

    assert response.status_code == 400
    assert response.json()["error"] == "An Idempotency-Key is 1 to 255 visible ASCII characters (a UUID is a good choice)."
    assert event_log.events(by=bidder.username) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "status", "error", "field"),
    [
        ({"amount": "ten"}, 400, "Some fields are missing or not valid.", "amount"),
        ({"amount": "10", "max_amount": "5"}, 400, "Your maximum must be at least your bid.", None),
        ({}, 400, "Some fields are missing or not valid.", "amount"),
        ({"amount": "10", "bidder_id": 1}, 400, "Some fields are missing or not valid.", "bidder_id"),
    ],
)
def test_bad_bids_are_a_400_and_publish_nothing(bidder_client, bidder, make_item, event_log, data, status, error, field):
    response = _place(bidder_client, make_item(), **data)

    assert response.status_code == status
    assert response.json()["error"] == error
    if field:
        assert field in response.json()["fields"]
    assert event_log.events(by=bidder.username) == []


@pytest.mark.django_db
def test_bids_on_an_unknown_closed_or_own_item_are_refused(client, make_user, make_item, event_log):
    seller = make_user("seller")
    client.force_login(seller)

    own = _place(client, make_item(seller=seller), amount="50")
    closed = _place(client, make_item(status="closed", outcome="no_bids"), amount="50")
    unknown = client.post(f"/api/items/{uuid.uuid4()}/bids", {"amount": "50"}, content_type="application/json")

    assert (own.status_code, own.json()["error"]) == (400, "You cannot bid on your own item.")
    assert (closed.status_code, closed.json()["error"]) == (400, "This auction has ended.")
    assert unknown.status_code == 404
    assert event_log.events(by=seller.username) == []


@pytest.mark.django_db
def test_a_bearer_tokens_suspended_owner_is_refused_with_the_reason_and_reinstated_bids_again(
    client, bidder, make_item, event_log
):
    item, secret = make_item(), token_issue(user=bidder).secret
    suspension = Suspension.objects.create(user=bidder, reason="Shill bidding on a friend's items")

    refused = client.post(f"/api/items/{item.pk}/bids", {"amount": "50"}, content_type="application/json",
                          headers={"Authorization": f"Bearer {secret}"})
    assert refused.status_code == 400
    assert "Your account is suspended" in refused.json()["error"] and "Shill bidding" in refused.json()["error"]
    assert event_log.events(by=bidder.username) == []

    suspension.lifted_at = timezone.now()
    suspension.save()
    placed = client.post(f"/api/items/{item.pk}/bids", {"amount": "50"}, content_type="application/json",
                         headers={"Authorization": f"Bearer {secret}"})
    assert placed.status_code == 202
    assert [event.amount for event in event_log.events(by=bidder.username)] == [Money(minor=50_00)]


@pytest.mark.django_db
def test_buy_it_now_is_published_and_pending_until_the_close_is_projected(bidder_client, bidder, make_item, event_log):
    item = make_item(buy_now_price=60_00, buy_now_available=True)

    response = bidder_client.post(f"/api/items/{item.pk}/buy-now")

    [event] = event_log.events(by=bidder.username)
    assert isinstance(event, BuyNowRequested) and event.buyer_id == bidder.pk
    assert response.status_code == 202
    assert response.json()["status"] == "pending" and response.json()["item"]["id"] == str(item.pk)


@pytest.mark.django_db
def test_buy_it_now_without_an_offer_is_a_400(bidder_client, bidder, make_item, event_log):
    response = bidder_client.post(f"/api/items/{make_item().pk}/buy-now")

    assert response.status_code == 400
    assert response.json()["error"] == "Buy It Now is no longer available for this item."
    assert event_log.events(by=bidder.username) == []
