"""Fixtures of the ops tests: staff and other people, logged-in clients, and the real pipeline's read models."""
import random
import uuid

import pytest
from django.test import Client


@pytest.fixture(autouse=True)
def ops_settings(settings, kafka_bootstrap):
    settings.KAFKA_BOOTSTRAP_SERVERS = kafka_bootstrap
    settings.AUCTION_READ_YOUR_WRITES_SECONDS = 0.1
    return settings


@pytest.fixture
def person(django_user_model):
    """Committed accounts with ids no other run's events use: processors with a fresh group replay the shared log."""

    def make(prefix: str, **fields):
        name = f"{prefix}-{uuid.uuid4().hex[:8]}"
        return django_user_model.objects.create_user(
            id=random.randrange(10**8, 2**31 - 1), username=name, email=f"{name}@example.test", password="x-pass-42", **fields
        )

    return make


@pytest.fixture
def staff(person):
    return person("staff", is_staff=True)


@pytest.fixture
def staff_client(staff) -> Client:
    client = Client()
    client.force_login(staff)
    return client
