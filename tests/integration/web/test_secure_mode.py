"""DJANGO_SECURE=1 on the running ASGI site, behind a TLS proxy: plain HTTP is redirected, HTTPS answers carry
HSTS and secure cookies, and the proxy's X-Forwarded-* headers count only when it is a trusted proxy."""
import httpx
import pytest

from tests.integration.conftest import serving_web

pytestmark = pytest.mark.django_db(transaction=True)  # the servers read the test database

FROM_PROXY = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}


def _site(processor_env, tmp_path_factory, name: str, **env: str):
    return serving_web({**processor_env, "DJANGO_SECURE": "1", **env}, tmp_path_factory.mktemp(name) / "web.log")


@pytest.fixture(scope="module")
def behind_proxy(processor_env, provisioned_topics, tmp_path_factory):
    """The site as a TLS proxy on this machine talks to it: the proxy (127.0.0.1) is trusted."""
    with _site(processor_env, tmp_path_factory, "trusted", AUCTION_TRUSTED_PROXIES="127.0.0.1,::1") as url:
        yield url


@pytest.fixture(scope="module")
def proxy_elsewhere(processor_env, provisioned_topics, tmp_path_factory):
    """Only a proxy on another network is trusted: requests from 127.0.0.1 are anybody's."""
    with _site(processor_env, tmp_path_factory, "untrusted", AUCTION_TRUSTED_PROXIES="10.0.0.0/8") as url:
        yield url


def _get(url: str, **headers: str) -> httpx.Response:
    return httpx.get(url, headers=headers, follow_redirects=False, timeout=30)


def test_plain_http_is_redirected_to_https(behind_proxy):
    response = _get(f"{behind_proxy}/accounts/login/?next=/sell/")

    assert response.status_code == 301
    assert response.headers["Location"] == f"{behind_proxy.replace('http://', 'https://')}/accounts/login/?next=/sell/"


def test_https_through_the_proxy_gets_hsts_and_secure_cookies(behind_proxy):
    response = _get(f"{behind_proxy}/accounts/login/", **FROM_PROXY)

    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    csrf_cookie = next(c for c in response.headers.get_list("Set-Cookie") if c.startswith("csrftoken="))
    assert "; Secure" in csrf_cookie


def test_health_and_metrics_stay_plain_http_for_local_probes(behind_proxy):
    assert _get(f"{behind_proxy}/healthz").status_code == 200
    assert _get(f"{behind_proxy}/metrics").status_code == 200


def test_a_client_behind_the_proxy_is_not_this_machine(behind_proxy):
    """/metrics is open to this machine only; through the proxy, the caller is the forwarded client."""
    assert _get(f"{behind_proxy}/metrics", **FROM_PROXY).status_code == 403


def test_forwarded_headers_from_an_untrusted_address_are_ignored(proxy_elsewhere):
    claimed_https = _get(f"{proxy_elsewhere}/accounts/login/", **FROM_PROXY)
    claimed_client = _get(f"{proxy_elsewhere}/metrics", **FROM_PROXY)

    assert claimed_https.status_code == 301  # X-Forwarded-Proto dropped: still plain HTTP
    assert claimed_client.status_code == 200  # X-Forwarded-For dropped: still this machine
