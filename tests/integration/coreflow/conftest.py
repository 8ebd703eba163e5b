"""The core flow against the real stack: the site, the bidding processor and the projector, driven over HTTP.

The site here is its own uvicorn process: the per-user flood limit is lifted (one bidder may
bid many times a second in the load test) and the soft-close window is short, so that a
seconds-long auction closes when it says rather than two minutes after its last bid.
"""
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AbstractBaseUser

from auction.accounts.tokens import token_issue
from tests.integration.conftest import serving_web

SITE_ENV = {"AUCTION_BIDS_PER_SECOND": "1000000", "AUCTION_EXTENSION_WINDOW_SECONDS": "2"}


@pytest.fixture(scope="package")
def site(auction_pipeline, processor_env, tmp_path_factory) -> str:
    """Base URL of the site, on the test database, with the bidding processor and projector running."""
    with serving_web({**processor_env, **SITE_ENV}, tmp_path_factory.mktemp("coreflow-web") / "web.log") as url:
        yield url


@dataclass(frozen=True)
class Person:
    user: AbstractBaseUser
    token: str
    """An API bearer token."""


@pytest.fixture
def person(django_user_model) -> Callable[[str], Person]:
    """A committed account with an API token, made here: signing up through the API hashes a password,
    which is slow on purpose, and the sign-up pages have tests of their own."""

    def make(prefix: str) -> Person:
        name = f"{prefix}-{uuid.uuid4().hex[:8]}"
        user = django_user_model.objects.create_user(username=name, email=f"{name}@example.test")
        return Person(user=user, token=token_issue(user=user).secret)

    return make
