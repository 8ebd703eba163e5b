"""Fixtures shared by the whole suite.

Servers come from the `test` profile that `deploy/test` starts and describes through the
environment (`KAFKA_BOOTSTRAP_SERVERS`, `DATABASE_URL`, `REDIS_URL`); unit tests need none of them.
"""
import asyncio
import os

# Playwright's sync API runs an event loop in the test thread; the ORM calls tests make
# next to it are still synchronous, so Django's async-safety guard must not refuse them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
import uuid

import pytest
from hypothesis import settings

settings.register_profile("ci", max_examples=200, deadline=None)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


def _required_env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: run the suite with ./deploy/test, which starts the test servers")
    return value


@pytest.fixture(scope="session")
def kafka_bootstrap() -> str:
    return _required_env("KAFKA_BOOTSTRAP_SERVERS")


@pytest.fixture(scope="session")
def redis_url() -> str:
    return _required_env("REDIS_URL")


@pytest.fixture
def unique_name():
    """A factory of names no other test uses, for topics and groups."""
    return lambda prefix: f"{prefix}-{uuid.uuid4().hex[:10]}"


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright launches Debian's Chromium (a Playwright browser download is not possible here)."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


BROWSER_FIXTURES = frozenset({"playwright", "browser_type", "browser", "context", "page"})


@pytest.fixture(autouse=True)
def _no_browser_loop_in_between(request):
    """pytest-playwright's sync API starts its event loop once per session and leaves it marked as
    running in the main thread, suspended in a greenlet, for every later test; Django's test client
    then refuses to run an async view ("You cannot use AsyncToSync in the same thread as an async
    event loop"). A test that drives no browser runs without that mark, put back afterwards."""
    loop = asyncio._get_running_loop()
    if loop is None or BROWSER_FIXTURES & set(request.fixturenames):
        yield
        return
    asyncio._set_running_loop(None)
    try:
        yield
    finally:
        asyncio._set_running_loop(loop)

