"""Request limits: JSON nested too deep or too large is refused with a message (400, 413) on every JSON
endpoint, and bodies are bounded as they stream into the ASGI server, chunked or not (413)."""
import json
import socket
import uuid
from urllib.parse import urlsplit

import httpx
import pytest

from tests.integration.conftest import serving_web

DEEP = b"[" * 50_000 + b"]" * 50_000
TOO_DEEP = "The JSON is nested too deeply: at most 32 levels of arrays and objects."
JSON_LIMIT, BODY_LIMIT = 4096, 65536


def _post(client, url: str, body: bytes, **extra):
    return client.generic("POST", url, body, content_type="application/json", **extra)


@pytest.fixture
def json_endpoints(make_item, make_user, password) -> list[tuple[str, dict]]:
    """Every API endpoint that reads a JSON body, with what it takes to reach the parser."""
    user = make_user("api")
    item = make_item()
    from auction.accounts.tokens import token_issue

    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token_issue(user=user).secret}"}
    return [
        ("/api/users", {}),
        ("/api/tokens", {}),
        ("/api/items", bearer),
        (f"/api/items/{item.pk}/bids", bearer),
    ]


@pytest.mark.django_db
def test_json_nested_50000_deep_is_a_400_on_every_json_endpoint(client, json_endpoints):
    for url, headers in json_endpoints:
        response = _post(client, url, DEEP, **headers)

        assert response.status_code == 400, url
        assert response.json() == {"error": TOO_DEEP, "fields": {}}


@pytest.mark.django_db
def test_json_within_the_depth_limit_is_parsed(client, settings):
    settings.AUCTION_JSON_MAX_DEPTH = 3
    shallow = json.dumps({"username": "x", "password": "[[[[[[{{{"}).encode()  # brackets in strings do not nest

    assert _post(client, "/api/tokens", shallow).status_code == 401
    nested = _post(client, "/api/tokens", b'{"username": [[["deep"]]], "password": "y"}')
    assert nested.status_code == 400 and "at most 3 levels" in nested.json()["error"]


@pytest.mark.django_db
def test_json_larger_than_the_limit_is_a_413(client, settings, json_endpoints):
    settings.AUCTION_JSON_MAX_BYTES = 1024
    large = json.dumps({"username": "x" * 2000, "password": "y"}).encode()

    for url, headers in json_endpoints:
        response = _post(client, url, large, **headers)

        assert response.status_code == 413, url
        assert response.json()["error"] == "The request body is too large: send at most 1 KB."


@pytest.mark.django_db
def test_malformed_json_is_still_a_400(client):
    response = _post(client, "/api/tokens", b'{"username": "x", ')

    assert response.status_code == 400 and response.json()["error"] == "The request body is not valid JSON."


@pytest.mark.django_db
def test_the_ops_json_endpoints_have_the_same_limits(client, make_user, settings):
    staff = make_user("staff")
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    settings.AUCTION_JSON_MAX_BYTES = 1024

    deep = _post(client, "/ops/api/dead-letters/replay", DEEP[:1000])
    large = _post(client, "/ops/api/dead-letters/replay", json.dumps({"ids": [1] * 1000}).encode())

    assert deep.status_code == 400 and deep.json()["error"] == TOO_DEEP
    assert large.status_code == 413 and "too large" in large.json()["error"]


# --- through the ASGI server (uvicorn), as the site runs --------------------------------------------
# The server reads the test database from another process (pytest-django creates it for tests that ask).
through_the_server = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def limited_site(processor_env, provisioned_topics, tmp_path_factory) -> str:
    env = {
        **processor_env,
        "AUCTION_JSON_MAX_BYTES": str(JSON_LIMIT),
        "AUCTION_MAX_REQUEST_BYTES": str(BODY_LIMIT),
        # its own login-throttle counts: other tests' failed logins from 127.0.0.1 must not make this one a 429
        "AUCTION_THROTTLE_PREFIX": f"throttle-limits-{uuid.uuid4().hex[:8]}",
    }
    with serving_web(env, tmp_path_factory.mktemp("limits") / "web.log") as url:
        yield url


def _chunks(total: int, size: int = 1024):
    sent = 0
    while sent < total:
        yield b" " * min(size, total - sent)
        sent += size


@through_the_server
def test_a_chunked_json_body_past_the_limit_is_cut_off_with_a_413(limited_site):
    def body():
        yield b'{"username": "x", "password": "'
        yield from _chunks(10 * JSON_LIMIT)
        yield b'"}'

    response = httpx.post(f"{limited_site}/api/tokens", content=body(), headers={"Content-Type": "application/json"}, timeout=30)

    assert response.status_code == 413
    assert response.json() == {"error": "The request body is too large: send at most 4 KB.", "fields": {}}


@through_the_server
def test_a_chunked_body_within_the_limit_goes_through(limited_site):
    def body():
        yield b'{"username": "nobody-'
        yield uuid.uuid4().hex.encode()
        yield b'", "password": "wrong"}'

    response = httpx.post(f"{limited_site}/api/tokens", content=body(), headers={"Content-Type": "application/json"}, timeout=30)

    assert response.status_code == 401


@through_the_server
def test_a_chunked_form_body_past_the_general_limit_is_a_413_page(limited_site):
    response = httpx.post(
        f"{limited_site}/accounts/login/", content=_chunks(4 * BODY_LIMIT),
        headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=30,
    )

    assert response.status_code == 413
    assert response.headers["Content-Type"].startswith("text/html") and "at most 64 KB" in response.text


@through_the_server
def test_a_declared_length_past_the_limit_is_refused_before_the_body_is_sent(limited_site):
    """Only the headers go out: the answer comes without the server waiting for a byte of the body."""
    address = urlsplit(limited_site)
    with socket.create_connection((address.hostname, address.port), timeout=30) as connection:
        connection.sendall(
            b"POST /api/tokens HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: 1000000000\r\n\r\n"
        )
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            chunk = connection.recv(65536)
            if not chunk:
                break
            answer += chunk

    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413")
    assert json.loads(body)["error"] == "The request body is too large: send at most 4 KB."


@through_the_server
def test_deep_json_through_the_server_is_a_400(limited_site):
    response = httpx.post(f"{limited_site}/api/tokens", content=DEEP[:JSON_LIMIT], headers={"Content-Type": "application/json"}, timeout=30)

    assert response.status_code == 400 and response.json()["error"] == TOO_DEEP
