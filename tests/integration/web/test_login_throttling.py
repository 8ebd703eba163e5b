"""Login throttling on every password login (the login page, the admin's, POST /api/tokens) and sign-up
throttling, counted in the real Redis; refused before any password hash, and refused when Redis is away.

Each test counts under keys of its own (`web_settings`), and sets low limits so a few requests reach them.
"""
import socket
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client

from auction.accounts.throttling import LOGIN_UNAVAILABLE
from tests.support.hashers import CountingHasher

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class LoginPath:
    name: str
    attempt: Callable[[Client, str, str], object]
    succeeded: Callable[[object], bool]
    failed: Callable[[object], bool]


def _token(client: Client, username: str, password: str, **extra):
    return client.post("/api/tokens", {"username": username, "password": password}, content_type="application/json", **extra)


def _form(url: str):
    def attempt(client: Client, username: str, password: str, **extra):
        return client.post(url, {"username": username, "password": password}, **extra)

    return attempt


PATHS = [
    LoginPath("api", _token, lambda r: r.status_code == 201, lambda r: r.status_code == 401),
    LoginPath("page", _form("/accounts/login/"), lambda r: r.status_code == 302, lambda r: r.status_code == 200 and b"correct username and password" in r.content),
    LoginPath("admin", _form("/admin/login/"), lambda r: r.status_code == 302, lambda r: r.status_code == 200 and b"correct username and password" in r.content),
]


@pytest.fixture(autouse=True)
def counted_hashes(settings):
    settings.PASSWORD_HASHERS = ["tests.support.hashers.CountingHasher"]
    settings.AUCTION_LOGIN_FAILURES_PER_USERNAME = 3
    settings.AUCTION_LOGIN_FAILURES_PER_ADDRESS = 50
    return lambda: CountingHasher.hashes


@pytest.fixture
def staff_member(make_user):
    """Someone every login path lets in (the admin's only lets staff in)."""
    user = make_user("staff")
    user.is_staff = True
    user.save()
    return user


def _refusal(response) -> str:
    """The 429's message: JSON under /api/, the error page elsewhere."""
    if response["Content-Type"].startswith("application/json"):
        return response.json()["error"]
    return response.content.decode()


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_a_username_is_locked_after_its_failures_before_any_hash(client, staff_member, password, counted_hashes, path):
    name = staff_member.username
    failures = [path.attempt(client, name, "wrong guess") for _ in range(3)]
    hashes_before = counted_hashes()

    guess, right = path.attempt(client, name, "another guess"), path.attempt(client, name, password)

    assert all(path.failed(response) for response in failures)
    for refused in (guess, right):
        assert refused.status_code == 429
        assert 0 < int(refused["Retry-After"]) <= 900
        assert "Too many failed logins" in _refusal(refused) and "Try again in 15 minutes" in _refusal(refused)
    assert counted_hashes() == hashes_before  # refused before the password was hashed


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_other_usernames_still_log_in(client, staff_member, make_user, password, path):
    for _ in range(4):
        path.attempt(client, staff_member.username, "wrong guess")
    other = make_user("other")
    other.is_staff = True
    other.save()

    assert path.succeeded(path.attempt(client, other.username, password))


def test_an_unknown_username_is_answered_and_counted_like_a_wrong_password(client, make_user):
    known, unknown = make_user("known").username, "nobody-by-this-name"

    wrong = [_token(client, known, "wrong guess") for _ in range(4)]
    missing = [_token(client, unknown, "wrong guess") for _ in range(4)]

    assert [r.status_code for r in wrong] == [r.status_code for r in missing] == [401, 401, 401, 429]
    assert [r.json() for r in wrong] == [r.json() for r in missing]  # the answer never says whether the name exists


def test_an_address_is_locked_after_its_failures_whatever_the_usernames(client, settings, make_user, password):
    settings.AUCTION_LOGIN_FAILURES_PER_ADDRESS = 3
    attacker, elsewhere = {"REMOTE_ADDR": "198.51.100.7"}, {"REMOTE_ADDR": "198.51.100.8"}
    victims = [make_user("victim") for _ in range(4)]

    failures = [_token(client, victim.username, "wrong guess", **attacker).status_code for victim in victims[:3]]
    refused = _token(client, victims[3].username, password, **attacker)

    assert failures == [401, 401, 401]
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert _token(client, victims[3].username, password, **elsewhere).status_code == 201


def test_successful_logins_never_count_as_failures(client, make_user, password):
    user = make_user("regular")
    _token(client, user.username, "wrong guess")
    _token(client, user.username, "wrong guess")

    successes = [_token(client, user.username, password).status_code for _ in range(6)]
    last_failure = _token(client, user.username, "wrong guess")
    after_the_limit = _token(client, user.username, password)

    assert successes == [201] * 6  # two failures and six successes: still under three failures
    assert last_failure.status_code == 401
    assert after_the_limit.status_code == 429


def test_an_ipv6_client_is_counted_by_its_64(client, settings, make_user, password):
    settings.AUCTION_LOGIN_FAILURES_PER_ADDRESS = 2
    user = make_user("six")
    for address in ("2001:db8:1:2::1", "2001:db8:1:2::2"):
        _token(client, f"guess-{address}", "wrong guess", REMOTE_ADDR=address)

    same_network = _token(client, user.username, password, REMOTE_ADDR="2001:db8:1:2:ffff::9")
    next_network = _token(client, user.username, password, REMOTE_ADDR="2001:db8:1:3::1")

    assert same_network.status_code == 429
    assert next_network.status_code == 201


@pytest.mark.parametrize(
    ("trusted", "shared"),
    [(["127.0.0.1"], False), ([], True)],
    ids=["behind-a-trusted-proxy", "forwarded-for-ignored"],
)
def test_x_forwarded_for_counts_only_from_a_trusted_proxy(client, settings, make_user, password, trusted, shared):
    settings.AUCTION_TRUSTED_PROXIES = trusted
    settings.AUCTION_LOGIN_FAILURES_PER_ADDRESS = 2
    user = make_user("proxied")
    for _ in range(2):
        _token(client, "someone-else", "wrong guess", HTTP_X_FORWARDED_FOR="203.0.113.5")

    other_client = _token(client, user.username, password, HTTP_X_FORWARDED_FOR="203.0.113.6")

    assert other_client.status_code == (429 if shared else 201)


@pytest.fixture
def redis_down(settings):
    """The throttle's Redis at a port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings.REDIS_URL = f"redis://127.0.0.1:{closed_port}/0"


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_logins_are_refused_while_redis_cannot_count(client, staff_member, password, counted_hashes, redis_down, path):
    hashes_before = counted_hashes()

    refused = path.attempt(client, staff_member.username, password)

    assert refused.status_code == 503
    assert int(refused["Retry-After"]) > 0
    assert LOGIN_UNAVAILABLE in _refusal(refused)
    assert counted_hashes() == hashes_before


def _signup_page(client: Client, name: str, **extra):
    data = {"username": name, "email": f"{name}@example.com", "password1": "tulip river 1984", "password2": "tulip river 1984"}
    return client.post("/accounts/signup/", data, **extra)


def _signup_api(client: Client, name: str, **extra):
    data = {"username": name, "email": f"{name}@example.com", "password": "tulip river 1984"}
    return client.post("/api/users", data, content_type="application/json", **extra)


def test_sign_ups_are_limited_per_address(settings, unique_name):
    settings.AUCTION_SIGNUPS_PER_ADDRESS = 2
    here, there = {"REMOTE_ADDR": "192.0.2.10"}, {"REMOTE_ADDR": "192.0.2.11"}

    first = _signup_page(Client(), unique_name("a"), **here)
    second = _signup_api(Client(), unique_name("b"), **here)
    refused_page = _signup_page(Client(), unique_name("c"), **here)
    refused_api = _signup_api(Client(), unique_name("d"), **here)
    elsewhere = _signup_api(Client(), unique_name("e"), **there)

    assert (first.status_code, second.status_code, elsewhere.status_code) == (302, 201, 201)
    assert refused_page.status_code == refused_api.status_code == 429
    assert "Too many sign-ups" in refused_page.content.decode()
    assert refused_api.json()["error"].startswith("Too many sign-ups from your network. Try again in")
    assert 0 < int(refused_api["Retry-After"]) <= 3600


def test_sign_ups_are_refused_while_redis_cannot_count(client, unique_name, redis_down):
    refused = _signup_api(client, unique_name("new"))

    assert refused.status_code == 503 and "Signing up is paused" in refused.json()["error"]
