"""Signing up, logging in and out, and the account overview derived from the read models."""
import re
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from auction.bidding.models import Bid

pytestmark = pytest.mark.django_db


def test_signing_up_creates_the_account_and_logs_in(client, unique_name):
    name = unique_name("newcomer")

    response = client.post(
        "/accounts/signup/",
        {"username": name, "email": f"{name}@example.com", "password1": "tulip river 1984", "password2": "tulip river 1984", "next": "/sell/"},
    )

    assert response.status_code == 302 and response["Location"] == "/sell/"
    user = get_user_model().objects.get(username=name)
    assert user.email == f"{name}@example.com" and user.check_password("tulip river 1984")
    assert client.get("/account/").status_code == 200


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"password2": "something else 77"}, "The two password fields didn’t match."),
        ({"password1": "12345678", "password2": "12345678"}, "This password is too common."),
        ({"email": "not-an-email"}, "Enter a valid email address."),
        ({"email": ""}, "This field is required."),
    ],
)
def test_signup_problems_are_reported_by_field(client, unique_name, changes, message):
    name = unique_name("newcomer")
    data = {"username": name, "email": f"{name}@example.com", "password1": "tulip river 1984", "password2": "tulip river 1984"}

    response = client.post("/accounts/signup/", data | changes)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not get_user_model().objects.filter(username=name).exists()


def test_a_taken_username_is_refused(client, make_user):
    taken = make_user("taken").username

    response = client.post(
        "/accounts/signup/",
        {"username": taken, "email": "x@example.com", "password1": "tulip river 1984", "password2": "tulip river 1984"},
    )

    assert response.status_code == 400
    assert "A user with that username already exists." in response.content.decode()


def test_log_in_and_log_out(client, make_user, password):
    user = make_user("returning")

    bad = client.post("/accounts/login/", {"username": user.username, "password": "wrong"})
    good = client.post("/accounts/login/", {"username": user.username, "password": password, "next": "/account/"})

    assert bad.status_code == 200 and "correct username and password" in bad.content.decode()
    assert good.status_code == 302 and good["Location"] == "/account/"
    assert client.get("/accounts/logout/").status_code == 405  # logging out changes state: POST only
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/account/").status_code == 302


def _bid(item, user, amount: int) -> None:
    Bid.objects.create(
        id=uuid.uuid4(), item_id=item.pk, bidder_id=user.pk, bidder_name=user.username, amount=amount,
        currency="EUR", status=Bid.Status.ACCEPTED, leader_after_id=user.pk, decided_at=timezone.now(),
    )


def _section(html: str, anchor: str) -> str:
    start = html.index(f'id="{anchor}"')
    return html[start : html.index("</section>", start)]


def test_the_overview_groups_bids_and_lists_wins_and_listings(client, make_user, make_item):
    me, rival = make_user("me"), make_user("rival")
    leading = make_item(title="Leading lot", leader_id=me.pk, leader_name=me.username, current_price=30_00, bid_count=1)
    outbid = make_item(title="Outbid lot", leader_id=rival.pk, leader_name=rival.username, current_price=45_00, bid_count=2)
    closed = dict(status="closed", closed_at=timezone.now())
    won = make_item(title="Won lot", outcome="sold", winner_id=me.pk, winner_name=me.username, final_price=55_00, **closed)
    lost = make_item(title="Lost lot", outcome="sold", winner_id=rival.pk, winner_name=rival.username, final_price=70_00, **closed)
    make_item(title="Bought lot", outcome="bought_now", winner_id=me.pk, winner_name=me.username, final_price=99_00, **closed)
    make_item(title="My own lot", seller=me)
    for item, amount in ((leading, 30_00), (outbid, 40_00), (won, 55_00), (lost, 60_00)):
        _bid(item, me, amount)
    client.force_login(me)

    html = client.get("/account/").content.decode()

    titles = {anchor: re.findall(r'class="row-title"[^>]*>([^<]+)<', _section(html, anchor)) for anchor in ("leading", "outbid", "won", "lost", "selling")}
    assert set(titles.pop("won")) == {"Won lot", "Bought lot"}  # with Buy It Now too
    assert titles == {"leading": ["Leading lot"], "outbid": ["Outbid lot"], "lost": ["Lost lot"], "selling": ["My own lot"]}
    assert "Your highest bid €40.00" in _section(html, "outbid")
    assert f"Sold to {rival.username[0]}***" in _section(html, "lost")


def test_the_overview_needs_an_account(client):
    response = client.get("/account/")

    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/account/"
