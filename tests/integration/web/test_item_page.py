"""The item page shows what a bidder needs, from the read model, and never the reserve amount."""
import re
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from auction.bidding.models import Bid

pytestmark = pytest.mark.django_db


def _page(client, item) -> str:
    response = client.get(f"/items/{item.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def _accepted_bid(item, bidder, amount: int, minutes_ago: int) -> Bid:
    return Bid.objects.create(
        id=uuid.uuid4(),
        item_id=item.pk,
        bidder_id=bidder.pk,
        bidder_name=bidder.username,
        amount=amount,
        currency=item.currency,
        status=Bid.Status.ACCEPTED,
        price_after=amount,
        leader_after_id=bidder.pk,
        decided_at=timezone.now() - timedelta(minutes=minutes_ago),
    )


def test_an_open_item_shows_price_minimum_next_bid_and_counts(client, make_item):
    item = make_item(title="Pocket watch", current_price=100_00, bid_count=3, location="Porto")

    html = _page(client, item)

    assert "Pocket watch" in html and "Porto" in html and item.seller_name in html
    assert re.search(r'data-field="price">€100\.00<', html)
    assert re.search(r'data-field="minimum-bid">€102\.50<', html)  # 100.00 + the 2.50 increment
    assert re.search(r'data-field="bid-count"[^>]*>3 bids<', html)


def test_without_bids_the_starting_price_is_the_minimum(client, make_item):
    html = _page(client, make_item(starting_price=7_50))

    assert "Starting price" in html
    assert re.search(r'data-field="minimum-bid">€7\.50<', html)


@pytest.mark.parametrize(
    ("reserve", "met", "shown", "hidden"),
    [
        (500_00, False, "Reserve not met", "Reserve met<"),
        (500_00, True, "Reserve met", "Reserve not met"),
        (None, None, None, "eserve"),
    ],
)
def test_reserve_status_is_shown_but_never_the_reserve_amount(client, make_item, reserve, met, shown, hidden):
    html = _page(client, make_item(reserve_price=reserve, reserve_met=met, current_price=120_00, bid_count=1))

    if shown:
        assert shown in html
    assert hidden not in html
    assert "500.00" not in html and "500,00" not in html


def test_time_left_comes_from_the_server_clock(client, make_item):
    ends_at = (timezone.now() + timedelta(hours=2, minutes=30)).replace(microsecond=0)
    html = _page(client, make_item(ends_at=ends_at))

    [time_tag] = re.findall(r'<time class="time-left"[^>]*>[^<]*</time>', html)
    assert f'data-ends-at="{ends_at.isoformat()}"' in time_tag
    server_now = re.search(r'data-server-now="([^"]+)"', time_tag).group(1)
    assert abs((timezone.datetime.fromisoformat(server_now) - timezone.now()).total_seconds()) < 5
    assert re.search(r">2h (29|30)m<", time_tag)


def test_bid_history_masks_bidders_and_lists_newest_first(client, make_item, make_user):
    item = make_item(current_price=12_00, bid_count=2)
    first, second = make_user("jonathan"), make_user("maria")
    _accepted_bid(item, first, 11_00, minutes_ago=5)
    _accepted_bid(item, second, 12_00, minutes_ago=1)

    html = _page(client, item)

    history = html[html.index('data-field="history"') :]
    assert first.username not in html and second.username not in html
    assert history.index(f"{second.username[0]}***{second.username[-1]}") < history.index(f"{first.username[0]}***{first.username[-1]}")
    assert "€12.00" in history and "€11.00" in history


def test_people_see_their_own_name_unmasked(client, make_item, make_user):
    item = make_item(current_price=11_00, bid_count=1)
    bidder = make_user("jonathan")
    _accepted_bid(item, bidder, 11_00, minutes_ago=1)
    client.force_login(bidder)

    assert bidder.username in _page(client, item)


def test_rejected_bids_are_not_in_the_public_history(client, make_item, make_user):
    item = make_item()
    bidder = make_user("rejected")
    Bid.objects.create(
        id=uuid.uuid4(), item_id=item.pk, bidder_id=bidder.pk, bidder_name="", amount=0, currency="EUR",
        status=Bid.Status.REJECTED, reason_code="below_minimum", reason="too low", decided_at=timezone.now(),
    )

    assert "No bids yet" in _page(client, item)


@pytest.mark.parametrize(
    ("outcome", "winner", "final", "banner"),
    [
        ("sold", "jonathan", 80_00, "Sold to j***n for €80.00"),
        ("bought_now", "jonathan", 150_00, "Bought with Buy It Now by j***n for €150.00"),
        ("no_bids", "", None, "Ended with no bids"),
        ("reserve_not_met", "", None, "Ended without a sale: the reserve was not met"),
        ("cancelled", "", None, "This auction was cancelled"),
    ],
)
def test_a_closed_item_shows_its_outcome_and_no_bid_form(client, make_item, outcome, winner, final, banner):
    item = make_item(
        status="closed",
        outcome=outcome,
        winner_id=7 if winner else None,
        winner_name=winner,
        final_price=final,
        current_price=final,
        closed_at=timezone.now(),
    )

    html = _page(client, item)

    assert banner in html
    assert "Place bid" not in html and "Log in to bid" not in html


def test_buy_it_now_is_offered_only_while_available(client, make_item, make_user):
    client.force_login(make_user("buyer"))
    available = make_item(buy_now_price=50_00, buy_now_available=True)
    gone = make_item(buy_now_price=50_00, buy_now_available=False, current_price=12_00, bid_count=1)

    assert "Buy It Now for €50.00" in _page(client, available)
    assert "Buy It Now" not in _page(client, gone)


def test_who_is_looking_decides_the_bid_panel(client, make_item, make_user):
    seller = make_user("seller")
    item = make_item(seller=seller)

    assert "Log in to bid" in _page(client, item)
    client.force_login(seller)
    seller_html = _page(client, item)
    assert "This is your listing" in seller_html and "Place bid" not in seller_html
    client.force_login(make_user("bidder"))
    bidder_html = _page(client, item)
    assert "Place bid" in bidder_html and "Proxy bidding" in bidder_html


def test_an_unknown_item_is_a_404_page(client):
    response = client.get(f"/items/{uuid.uuid4()}/")

    assert response.status_code == 404
    assert "There is nothing here" in response.content.decode()


def test_every_field_a_live_update_may_change_is_addressable(client, make_item, make_user):
    client.force_login(make_user("bidder"))
    item = make_item(reserve_price=50_00, reserve_met=False, buy_now_price=90_00, buy_now_available=True, seq=4)

    html = _page(client, item)

    assert f'data-item-id="{item.pk}" data-seq="4" data-status="open"' in html
    for field in ("price", "minimum-bid", "bid-count", "reserve", "time-left", "leader", "buy-now", "outcome", "history"):
        assert f'data-item-id="{item.pk}" data-field="{field}"' in html, field
