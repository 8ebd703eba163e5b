"""API tokens: they expire, are listed and revoked (API and account page), die with a password change,
are capped per account, and their secret is shown once only."""
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from auction.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


@pytest.fixture
def issue(client, password):
    """POST /api/tokens for `user` → the JSON answer (asserting 201)."""

    def make(user, name: str = "") -> dict:
        response = client.post(
            "/api/tokens", {"username": user.username, "password": password, "name": name}, content_type="application/json"
        )
        assert response.status_code == 201, response.content
        return response.json()

    return make


def _as(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _list(client: Client, token: str):
    return client.get("/api/tokens", **_as(token))


def test_a_token_expires_after_the_configured_days(client, settings, make_user, issue):
    settings.AUCTION_API_TOKEN_DAYS = 7
    issued = issue(make_user("api"))
    expires_at = parse_datetime(issued["expires_at"])

    assert abs(expires_at - (timezone.now() + timedelta(days=7))) < timedelta(minutes=1)
    assert _list(client, issued["token"]).status_code == 200
    ApiToken.objects.filter(pk=issued["id"]).update(expires_at=timezone.now() - timedelta(seconds=1))
    expired = _list(client, issued["token"])

    assert expired.status_code == 401 and expired["WWW-Authenticate"].startswith("Bearer")
    assert expired.json()["error"].startswith("This token expired on ") and "POST /api/tokens" in expired.json()["error"]


def test_tokens_are_listed_without_their_secrets(client, make_user, issue):
    user = make_user("api")
    first, second = issue(user, "laptop script"), issue(user, "price tracker")
    issue(make_user("someone-else"))

    listed = _list(client, second["token"])

    assert listed.status_code == 200
    tokens = listed.json()["tokens"]
    assert [(t["id"], t["name"], t["current"]) for t in tokens] == [(second["id"], "price tracker", True), (first["id"], "laptop script", False)]
    assert set(tokens[0]) == {"id", "name", "created_at", "expires_at", "last_used_at", "current"}
    assert tokens[0]["last_used_at"] is not None and tokens[1]["last_used_at"] is None
    text = listed.content.decode()
    assert first["token"] not in text and second["token"] not in text
    assert ApiToken.objects.get(pk=first["id"]).digest not in text


def test_a_session_lists_tokens_too(client, make_user, issue):
    user = make_user("browser")
    issued = issue(user)
    client.force_login(user)

    listed = client.get("/api/tokens").json()["tokens"]

    assert [(t["id"], t["current"]) for t in listed] == [(issued["id"], False)]


def test_a_revoked_token_is_refused(client, make_user, issue):
    user = make_user("api")
    keep, drop = issue(user), issue(user)

    revoked = client.delete(f"/api/tokens/{drop['id']}", **_as(keep["token"]))

    assert revoked.status_code == 204
    assert _list(client, drop["token"]).status_code == 401
    assert [t["id"] for t in _list(client, keep["token"]).json()["tokens"]] == [keep["id"]]
    assert not ApiToken.objects.filter(pk=drop["id"]).exists()


def test_a_token_may_revoke_itself(client, make_user, issue):
    issued = issue(make_user("api"))

    assert client.delete(f"/api/tokens/{issued['id']}", **_as(issued["token"])).status_code == 204
    assert _list(client, issued["token"]).status_code == 401


def test_nobody_revokes_someone_elses_token(client, make_user, issue):
    mine, theirs = issue(make_user("me")), issue(make_user("them"))

    refused = client.delete(f"/api/tokens/{theirs['id']}", **_as(mine["token"]))

    assert refused.status_code == 404 and refused.json()["error"] == f"You have no token {theirs['id']}."
    assert _list(client, theirs["token"]).status_code == 200
    assert client.delete(f"/api/tokens/{theirs['id']}").status_code == 401  # anonymous


def test_revoking_through_a_session_needs_the_csrf_token(make_user, issue):
    user = make_user("browser")
    issued = issue(user)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)

    refused = strict.delete(f"/api/tokens/{issued['id']}")
    strict.get("/account/")
    accepted = strict.delete(f"/api/tokens/{issued['id']}", HTTP_X_CSRFTOKEN=strict.cookies["csrftoken"].value)

    assert refused.status_code == 403 and accepted.status_code == 204


def test_changing_the_password_on_the_account_page_revokes_every_token(client, make_user, issue, password):
    user = make_user("api")
    tokens = [issue(user)["token"] for _ in range(2)]
    client.force_login(user)

    changed = client.post(
        "/account/password/",
        {"old_password": password, "new_password1": "a brand new passphrase 7", "new_password2": "a brand new passphrase 7"},
    )

    assert changed.status_code == 302 and changed["Location"] == "/account/"
    assert client.get("/account/").status_code == 200  # this session stays logged in
    for token in tokens:
        refused = _list(Client(), token)
        assert refused.status_code == 401
        assert refused.json()["error"] == (
            "This token was revoked when the account's password changed. Create a new one with POST /api/tokens."
        )
    assert not ApiToken.objects.filter(user=user).exists()


def test_a_password_set_anywhere_else_revokes_every_token_too(client, make_user, issue):
    """The admin's password form and `manage.py changepassword` both come down to `set_password` and `save`."""
    user = make_user("api")
    token = issue(user)["token"]

    user.set_password("changed by staff 2024")
    user.save()

    assert _list(client, token).status_code == 401


def test_an_account_holds_a_limited_number_of_live_tokens(client, settings, make_user, password, issue):
    settings.AUCTION_API_TOKENS_PER_ACCOUNT = 2
    user = make_user("api")
    first, second = issue(user), issue(user)

    refused = client.post("/api/tokens", {"username": user.username, "password": password}, content_type="application/json")
    client.delete(f"/api/tokens/{first['id']}", **_as(second["token"]))
    after_revoking = issue(user)
    ApiToken.objects.filter(pk=second["id"]).update(expires_at=timezone.now() - timedelta(seconds=1))
    after_expiry = issue(user)

    assert refused.status_code == 409
    assert refused.json()["error"].startswith("You already have 2 live API tokens, the most an account may hold.")
    assert "DELETE /api/tokens/{id}" in refused.json()["error"]
    assert {t["id"] for t in _list(client, after_expiry["token"]).json()["tokens"]} == {after_revoking["id"], after_expiry["id"]}


def test_a_token_name_is_free_text_under_its_rule(client, make_user, password):
    user = make_user("api")

    refused = client.post(
        "/api/tokens", {"username": user.username, "password": password, "name": "x" * 101}, content_type="application/json"
    )

    assert refused.status_code == 400
    assert refused.json()["fields"]["name"] == "The token's name must be at most 100 characters (this has 101)."


def test_the_account_page_lists_creates_and_revokes_tokens(client, make_user, issue):
    user = make_user("browser")
    old = issue(user, "old script")
    client.force_login(user)

    page = client.get("/account/").content.decode()
    created = client.post("/account/tokens/", {"name": "new script"})
    new = ApiToken.objects.get(user=user, name="new script")
    secret = created.content.decode().split("data-token-secret>")[1].split("<")[0]
    revoked = client.post(f"/account/tokens/{old['id']}/revoke/")
    after = client.get("/account/").content.decode()

    assert "old script" in page and old["token"] not in page and f'data-token-id="{old["id"]}"' in page
    assert created.status_code == 200 and created["Cache-Control"] == "no-store"
    assert _list(Client(), secret).json()["tokens"][0]["id"] == new.pk  # the secret shown works
    assert revoked.status_code == 302 and revoked["Location"] == "/account/#tokens"
    assert "The token is revoked" in after and "old script" not in after and "new script" in after
    assert secret not in after  # shown once only
    assert _list(Client(), old["token"]).status_code == 401


def test_the_account_page_says_when_the_limit_is_reached(client, settings, make_user, issue):
    settings.AUCTION_API_TOKENS_PER_ACCOUNT = 1
    user = make_user("browser")
    issue(user)
    client.force_login(user)

    refused = client.post("/account/tokens/", {"name": "one too many"})

    assert refused.status_code == 409
    assert "You already have 1 live API tokens, the most an account may hold: revoke one below first." in refused.content.decode()


def test_a_person_cannot_revoke_someone_elses_token_on_the_page(client, make_user, issue):
    theirs = issue(make_user("them"))
    client.force_login(make_user("me"))

    assert client.post(f"/account/tokens/{theirs['id']}/revoke/").status_code == 404
    assert _list(client, theirs["token"]).status_code == 200
