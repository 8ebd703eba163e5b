"""API accounts and authentication: bearer tokens (stored hashed, no CSRF) or the session (with CSRF)."""
import hashlib

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from auction.accounts.models import ApiToken
from streams.events import BidPlaced

pytestmark = pytest.mark.django_db


def test_signing_up_through_the_api(client, unique_name):
    name = unique_name("api")

    response = client.post("/api/users", {"username": name, "email": f"{name}@example.com", "password": "tulip river 1984"}, content_type="application/json")

    assert response.status_code == 201
    user = get_user_model().objects.get(username=name)
    assert response.json() == {"id": user.pk, "username": name}
    assert user.check_password("tulip river 1984")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"password": "password"}, "password", "This password is too common."),
        ({"email": "nope"}, "email", "Enter a valid email address."),
        ({"email": "   "}, "email", "String should have at least 1 character"),
        ({"username": "with space"}, "username", "Enter a valid username."),
        ({"nickname": "x"}, "nickname", "Extra inputs are not permitted"),
    ],
)
def test_signup_problems_come_back_by_field(client, unique_name, changes, field, message):
    name = unique_name("api")
    data = {"username": name, "email": f"{name}@example.com", "password": "tulip river 1984"} | changes

    response = client.post("/api/users", data, content_type="application/json")

    assert response.status_code == 400
    assert message in response.json()["fields"][field]
    assert response.json()["error"]


def test_a_taken_username_is_a_400(client, make_user):
    taken = make_user("taken").username

    response = client.post("/api/users", {"username": taken, "email": "a@example.com", "password": "tulip river 1984"}, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["fields"] == {"username": "A user with that username already exists."}


def test_a_token_is_issued_for_the_right_password_and_stored_only_hashed(client, make_user, password):
    user = make_user("api")

    wrong = client.post("/api/tokens", {"username": user.username, "password": "nope"}, content_type="application/json")
    right = client.post("/api/tokens", {"username": user.username, "password": password}, content_type="application/json")

    assert wrong.status_code == 401 and wrong.json()["error"] == "Wrong username or password."
    assert right.status_code == 201
    token = right.json()["token"]
    [stored] = ApiToken.objects.filter(user=user)
    assert stored.digest == hashlib.sha256(token.encode()).hexdigest() != token


@pytest.fixture
def strict_client() -> Client:
    """A client that, like a browser from another site, gets no CSRF exemption."""
    return Client(enforce_csrf_checks=True)


def _bid(client: Client, item, **headers):
    return client.post(f"/api/items/{item.pk}/bids", {"amount": "20"}, content_type="application/json", headers=headers)


def test_a_bearer_token_authenticates_without_csrf(strict_client, make_user, make_item, password, event_log):
    user = make_user("api")
    token = strict_client.post("/api/tokens", {"username": user.username, "password": password}, content_type="application/json").json()["token"]
    item = make_item()

    response = _bid(strict_client, item, authorization=f"Bearer {token}")

    assert response.status_code == 202
    [event] = event_log.events(by=user.username)
    assert isinstance(event, BidPlaced) and event.bidder_id == user.pk


def test_a_session_needs_the_csrf_token_for_unsafe_requests(strict_client, make_user, make_item, event_log):
    user = make_user("browser")
    strict_client.force_login(user)
    item = make_item()

    refused = _bid(strict_client, item)
    assert strict_client.get(f"/api/items/{item.pk}").status_code == 200  # reading needs no token
    strict_client.get("/")  # a page with a form sets the CSRF cookie
    accepted = _bid(strict_client, item, x_csrftoken=strict_client.cookies["csrftoken"].value)

    assert refused.status_code == 403 and "CSRF" in refused.json()["error"]
    assert accepted.status_code == 202
    assert len(event_log.events(by=user.username)) == 1


@pytest.mark.parametrize("header", ["Bearer not-a-real-token", "Basic dXNlcjpwYXNz", "Bearer "])
def test_a_bad_authorization_header_is_a_401(client, make_item, header):
    response = _bid(client, make_item(), authorization=header)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["error"]


def test_writing_anonymously_is_a_401_and_reading_is_fine(client, make_item):
    item = make_item()

    assert _bid(client, item).status_code == 401
    assert client.get(f"/api/items/{item.pk}").status_code == 200


def test_a_token_of_a_deactivated_account_stops_working(client, make_user, make_item, password):
    user = make_user("api")
    token = client.post("/api/tokens", {"username": user.username, "password": password}, content_type="application/json").json()["token"]
    user.is_active = False
    user.save()

    assert _bid(client, make_item(), authorization=f"Bearer {token}").status_code == 401
