"""Bidding from the item page: publish BidPlaced, wait for the decision, redirect with what happened."""
import time
import uuid

import pytest
from django.utils import timezone

from auction.bidding.models import Bid
from auction.bidding.services import bid_place
from auction.catalog.models import Item
from streams.events import BidPlaced, BuyNowRequested
from streams.money import Money


def _decided(item: Item, bid_id) -> Item:
    """The item once the bid's decision is projected."""
    deadline = time.monotonic() + 10
    while not Bid.objects.filter(pk=bid_id).exists():
        assert time.monotonic() < deadline, "the bid was not decided in time"
        time.sleep(0.05)
    return Item.objects.get(pk=item.pk)


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


@pytest.fixture
def bidder(client, make_user):
    user = make_user("bidder")
    client.force_login(user)
    return user


@pytest.mark.django_db
def test_a_bid_is_published_and_the_bidder_told_it_is_pending_when_no_decision_comes(client, make_item, bidder, event_log):
    item = make_item(current_price=20_00, bid_count=1)

    response = client.post(f"/items/{item.pk}/bid/", {"amount": "25", "max_amount": "40.50"}, follow=True)

    [event] = event_log.events(by=bidder.username)
    assert isinstance(event, BidPlaced)
    assert (event.item_id, event.bidder_id) == (str(item.pk), bidder.pk)
    assert (event.amount, event.max_amount) == (Money(minor=25_00), Money(minor=40_50))
    assert response.redirect_chain == [(f"/items/{item.pk}/", 302)]
    assert any(message.startswith("Pending — your bid is being processed") for message in _messages(response))


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("rival_maximum", "message"),
    [(None, "You're the highest bidder."), ("50", "You've been outbid by an automatic bid.")],
)
def test_once_decided_the_bidder_learns_whether_they_lead(client, list_item, make_user, bidder, rival_maximum, message):
    item = list_item()
    if rival_maximum:
        rival = bid_place(bidder=make_user("rival"), item=item, amount=Money.parse("10", "EUR"), max_amount=Money.parse(rival_maximum, "EUR"))
        item = _decided(item, rival.bid_id)

    response = client.post(f"/items/{item.pk}/bid/", {"amount": "20"}, follow=True)

    assert any(text.startswith(message) for text in _messages(response))


@pytest.mark.django_db(transaction=True)
def test_the_same_bid_form_sent_twice_is_one_bid(client, list_item, bidder):
    """A double click, or the form sent again from the browser's history: the page's attempt key makes it one bid;
    the form sent again with another amount is refused, and the first bid stands."""
    item = list_item()
    page = client.get(f"/items/{item.pk}/")
    attempt = page.context["bid_form"]["attempt"].value()
    assert f'name="attempt" value="{attempt}"' in page.content.decode()

    first = client.post(f"/items/{item.pk}/bid/", {"amount": "20", "attempt": attempt}, follow=True)
    again = client.post(f"/items/{item.pk}/bid/", {"amount": "20", "attempt": attempt}, follow=True)

    assert Bid.objects.filter(item_id=item.pk).count() == 1
    assert Item.objects.get(pk=item.pk).bid_count == 1
    for response in (first, again):
        assert any(text.startswith("You're the highest bidder.") for text in _messages(response))
    assert again.context["bid_form"]["attempt"].value() != attempt  # each rendering, a new attempt

    changed = client.post(f"/items/{item.pk}/bid/", {"amount": "25", "attempt": attempt})

    assert changed.status_code == 409
    assert "This form was already sent with a bid of €20.00, and that bid stands." in changed.content.decode()
    assert changed.context["bid_form"]["attempt"].value() != attempt
    assert Bid.objects.filter(item_id=item.pk).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"amount": "ten"}, "Enter an amount such as 12 or 12.50."),
        ({"amount": ""}, "This field is required."),
        ({"amount": "20", "max_amount": "15"}, "Your maximum must be at least your bid."),
    ],
)
def test_a_bad_bid_is_shown_on_the_item_page_and_not_published(client, make_item, bidder, event_log, data, message):
    item = make_item()

    response = client.post(f"/items/{item.pk}/bid/", data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert "Place bid" in response.content.decode()
    assert event_log.events(by=bidder.username) == []


@pytest.mark.django_db
def test_sellers_cannot_bid_on_their_own_item(client, make_item, make_user, event_log):
    seller = make_user("seller")
    client.force_login(seller)
    item = make_item(seller=seller)

    response = client.post(f"/items/{item.pk}/bid/", {"amount": "50"})

    assert response.status_code == 400
    assert "You cannot bid on your own item." in response.content.decode()
    assert event_log.events(by=seller.username) == []


@pytest.mark.django_db
def test_bidding_on_a_closed_item_is_refused(client, make_item, bidder, event_log):
    item = make_item(status="closed", outcome="no_bids", closed_at=timezone.now())

    response = client.post(f"/items/{item.pk}/bid/", {"amount": "50"})

    assert response.status_code == 400
    assert "This auction has ended." in response.content.decode()
    assert event_log.events(by=bidder.username) == []


@pytest.mark.django_db
def test_anonymous_bidders_are_sent_to_log_in_and_back(client, make_item):
    item = make_item()

    response = client.post(f"/items/{item.pk}/bid/", {"amount": "50"})

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/items/{item.pk}/"


@pytest.mark.django_db
def test_bidding_on_an_unknown_item_is_a_404(client, bidder):
    assert client.post(f"/items/{uuid.uuid4()}/bid/", {"amount": "50"}).status_code == 404


@pytest.mark.django_db
def test_buy_it_now_is_published_and_pending_until_the_close_is_projected(client, make_item, bidder, event_log):
    item = make_item(buy_now_price=60_00, buy_now_available=True)

    response = client.post(f"/items/{item.pk}/buy-now/", follow=True)

    [event] = event_log.events(by=bidder.username)
    assert isinstance(event, BuyNowRequested) and event.item_id == str(item.pk)
    assert any(message.startswith("Pending — your Buy It Now request") for message in _messages(response))


@pytest.mark.django_db
def test_buy_it_now_once_bidding_began_is_refused(client, make_item, bidder, event_log):
    item = make_item(buy_now_price=60_00, buy_now_available=False, current_price=15_00, bid_count=1)

    response = client.post(f"/items/{item.pk}/buy-now/")

    assert response.status_code == 400
    assert "Buy It Now is no longer available" in response.content.decode()
    assert event_log.events(by=bidder.username) == []
