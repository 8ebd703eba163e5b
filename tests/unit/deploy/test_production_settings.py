"""The production switch: with DJANGO_SECURE=1 (and a real secret key and host names, as a real host
has), `manage.py check --deploy` reports nothing at all; the transport settings are configurable.

Each check runs `manage.py` in a fresh process with only the variables given here, so the settings
module is read as a host would read it. Nothing here needs a server.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management.utils import get_random_secret_key

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def host_env(tmp_path) -> dict[str, str]:
    """What a production host sets, and nothing from this shell (a DJANGO_DEBUG=1 here must not leak in)."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "AUCTION_DATA_DIR": str(tmp_path / "data"),
        "DJANGO_SECRET_KEY": get_random_secret_key(),
        "DJANGO_ALLOWED_HOSTS": "auction.example.com",
    }


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def _settings(env: dict[str, str], *names: str) -> dict:
    code = f"from django.conf import settings; import json; print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "auction.settings"},
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_check_deploy_finds_nothing_with_the_production_switch(host_env):
    result = _manage({**host_env, "DJANGO_SECURE": "1"}, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    # the three silenced are Django's "middleware missing", said of the event-loop subclasses (see below)
    assert "System check identified no issues (3 silenced)." in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_without_the_switch_check_deploy_fails(host_env):
    """What the switch is for: the same host without it is reported (and this test's check would catch it)."""
    result = _manage(host_env, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stdout + result.stderr


def test_the_transport_settings_follow_the_environment(host_env):
    defaults = _settings(
        {**host_env, "DJANGO_SECURE": "1"},
        "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SECURE_PROXY_SSL_HEADER", "SECURE_REDIRECT_EXEMPT",
    )
    tuned = _settings(
        {**host_env, "DJANGO_SECURE": "1", "DJANGO_HSTS_SECONDS": "600", "DJANGO_HSTS_PRELOAD": "0", "AUCTION_TRUSTED_PROXIES": "127.0.0.1, ::1"},
        "SECURE_HSTS_SECONDS", "SECURE_HSTS_PRELOAD", "SECURE_PROXY_SSL_HEADER", "AUCTION_TRUSTED_PROXIES",
    )
    off = _settings(host_env, "SESSION_COOKIE_SECURE", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS")

    assert defaults == {
        "SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True, "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000, "SECURE_HSTS_INCLUDE_SUBDOMAINS": True, "SECURE_HSTS_PRELOAD": True,
        "SECURE_PROXY_SSL_HEADER": None, "SECURE_REDIRECT_EXEMPT": ["^healthz$", "^metrics$"],
    }
    assert tuned == {
        "SECURE_HSTS_SECONDS": 600, "SECURE_HSTS_PRELOAD": False,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"], "AUCTION_TRUSTED_PROXIES": ["127.0.0.1", "::1"],
    }
    assert off == {"SESSION_COOKIE_SECURE": False, "SECURE_SSL_REDIRECT": False, "SECURE_HSTS_SECONDS": 0}


def test_a_host_with_a_secret_key_of_its_own_is_reported_since_other_hosts_would_refuse_its_sessions(host_env):
    own_key = {name: value for name, value in host_env.items() if name != "DJANGO_SECRET_KEY"}
    result = _manage({**own_key, "DJANGO_SECURE": "1"}, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode != 0
    assert "auction.W001" in result.stdout + result.stderr
    assert [line for line in (result.stdout + result.stderr).splitlines() if "?: (" in line] == [
        line for line in (result.stdout + result.stderr).splitlines() if "auction.W001" in line
    ], "the key is the only thing missing"


def test_django_checks_see_the_event_loop_middleware_as_what_it_is_and_still_miss_an_absent_one(settings):
    from auction.ops.deploy_checks import django_security_through_inline_middleware

    settings.SECURE_HSTS_SECONDS = 0
    ids = {message.id for message in django_security_through_inline_middleware(None)}
    assert "security.W004" in ids  # HSTS is checked: the inline SecurityMiddleware counts as Django's
    assert not ids & {"auction.W101", "auction.W102", "auction.W103"}

    settings.MIDDLEWARE = [path for path in settings.MIDDLEWARE if not path.endswith((".SecurityMiddleware", ".CsrfViewMiddleware"))]
    ids = {message.id for message in django_security_through_inline_middleware(None)}
    assert {"auction.W101", "auction.W103"} <= ids and "security.W004" not in ids
