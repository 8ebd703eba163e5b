"""Live updates against real servers: Redis for the channel layer, and for the pipeline tests Kafka,
the bidding processor, the projector and the live processor as subprocesses."""
import random
import uuid

import pytest
from django.test import Client


ORIGIN = (b"origin", b"http://127.0.0.1")


@pytest.fixture(autouse=True)
def live_settings(settings, kafka_bootstrap, redis_url):
    settings.KAFKA_BOOTSTRAP_SERVERS = kafka_bootstrap
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, and only tests use it
    return settings


@pytest.fixture
def person(django_user_model):
    """Committed accounts with ids no other run uses: person groups live on a Redis others share."""

    def make(prefix: str):
        name = f"{prefix}-{uuid.uuid4().hex[:8]}"
        return django_user_model.objects.create_user(
            id=random.randrange(10**8, 2**31 - 1), username=name, email=f"{name}@example.test", password="pw"
        )

    return make


def session_key(user) -> str:
    """A new session of `user`'s (a client of its own: logging another person in would end the last one's)."""
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


@pytest.fixture
def session_cookie():
    """The `cookie` header of a logged-in browser, for a websocket handshake."""
    return lambda user: (b"cookie", f"sessionid={session_key(user)}".encode())


@pytest.fixture
def log_in(web_server):
    """Log a browser context in as `user`, on the test web server."""
    return lambda context, user: context.add_cookies([{"name": "sessionid", "value": session_key(user), "url": web_server}])
