"""Fixtures for the web tier: people, read-model rows as the projector would write them, the event log,
and items listed for real.

Most tests use rows written here and nothing decides their bids (the processor does not know
those items), so the read-your-writes wait is cut short and requests that publish answer
"pending"; `list_item` lists through the real pipeline for the tests of decided bids.
"""
import functools
import time
import uuid
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone
from kafka import KafkaConsumer, TopicPartition

from auction.catalog.models import Item
from auction.catalog.services import item_put_up
from streams.events import BidPlaced, Event, ItemListed, decode
from streams.money import Money
from streams.topics import topic_for

PASSWORD = "a long enough passphrase 42"
READ_TIMEOUT_S = 10


@pytest.fixture(autouse=True)
def web_settings(settings, tmp_path, kafka_bootstrap):
    settings.KAFKA_BOOTSTRAP_SERVERS = kafka_bootstrap
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.AUCTION_CURRENCY = "EUR"
    settings.AUCTION_MIN_DURATION_SECONDS = 60
    settings.AUCTION_READ_YOUR_WRITES_SECONDS = 0.1
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, and only tests use it
    # Every test's logins and sign-ups come from 127.0.0.1: each test counts them under its own keys.
    settings.AUCTION_THROTTLE_PREFIX = f"throttle-{uuid.uuid4().hex}"
    return settings


@pytest.fixture
def password() -> str:
    """Every `make_user` person's password."""
    return PASSWORD


@pytest.fixture
def make_user(django_user_model, unique_name):
    def make(prefix: str = "user"):
        name = unique_name(prefix)
        return django_user_model.objects.create_user(username=name, email=f"{name}@example.com", password=PASSWORD)

    return make


@pytest.fixture
def make_item(make_user) -> Callable[..., Item]:
    """An open item ending in a day, by one seller per test unless `seller=` says otherwise; any field can be overridden."""

    @functools.cache
    def default_seller():
        return make_user("seller")

    def make(**fields) -> Item:
        now = timezone.now()
        seller = fields.pop("seller", None) or default_seller()
        ends_at = fields.pop("ends_at", now + timedelta(days=1))
        values = dict(
            id=uuid.uuid4(),
            seller_id=seller.pk,
            seller_name=seller.username,
            title="Brass telescope",
            description="Victorian, working optics.",
            category="collectibles",
            image_urls=["/media/items/telescope.jpg"],
            location="Lyon",
            currency="EUR",
            starting_price=10_00,
            starts_at=now - timedelta(hours=1),
            original_ends_at=ends_at,
            ends_at=ends_at,
        )
        return Item.objects.create(**(values | fields))

    return make


def _actor(event: Event) -> str | None:
    return getattr(event, "seller_name", None) or getattr(event, "bidder_name", None) or getattr(event, "buyer_name", None)


class EventLog:
    """What the web tier produced to its topics since this log was opened.

    The topics are the real ones (the publisher picks them from the registry), which other tests
    share, so reads start at the offsets of the moment the log opened and filter by the person acting.
    """

    TOPICS = tuple(topic_for(event_class).name for event_class in (ItemListed, BidPlaced))

    def __init__(self, bootstrap: str) -> None:
        self._consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
        self._partitions = [
            TopicPartition(topic, partition) for topic in self.TOPICS for partition in self._consumer.partitions_for_topic(topic)
        ]
        self._start = self._consumer.end_offsets(self._partitions)

    def events(self, *, by: str) -> list[Event]:
        """Events `by` (seller, bidder or buyer name) produced so far, in each partition's order."""
        end = self._consumer.end_offsets(self._partitions)
        pending = {tp for tp in self._partitions if end[tp] > self._start[tp]}
        # every partition stays assigned: kafka-python keeps metadata only for assigned topics, and the next
        # call's end_offsets needs the leaders of all of them
        self._consumer.assign(self._partitions)
        for tp in self._partitions:
            self._consumer.seek(tp, self._start[tp] if tp in pending else end[tp])
        found: list[Event] = []
        deadline = time.monotonic() + READ_TIMEOUT_S
        while pending and time.monotonic() < deadline:
            for tp, records in self._consumer.poll(timeout_ms=200).items():
                for record in records:
                    event = decode(record.headers, record.key, record.value).event
                    if _actor(event) == by:
                        found.append(event)
            pending = {tp for tp in pending if self._consumer.position(tp) < end[tp]}
        assert not pending, f"could not read the event log up to its end within {READ_TIMEOUT_S} s"
        return found

    def wait_for(self, event_class: type[Event], *, by: str, timeout_s: float = READ_TIMEOUT_S) -> Event:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            matching = [event for event in self.events(by=by) if isinstance(event, event_class)]
            if matching:
                return matching[-1]
            time.sleep(0.05)
        raise AssertionError(f"no {event_class.__name__} by {by} within {timeout_s} s")

    def close(self) -> None:
        self._consumer.close()


@pytest.fixture
def event_log(kafka_bootstrap, provisioned_topics):
    log = EventLog(kafka_bootstrap)
    yield log
    log.close()


@pytest.fixture
def list_item(make_user, auction_pipeline, settings) -> Callable[..., Item]:
    """Factory: an item listed through the real service and projected by the real pipeline, so that
    the bidding processor decides the bids on it. Needs `django_db(transaction=True)`."""
    settings.AUCTION_READ_YOUR_WRITES_SECONDS = READ_TIMEOUT_S

    def make(seller=None) -> Item:
        listed = item_put_up(
            seller=seller or make_user("seller"), title="Brass telescope", description="Victorian, working optics.",
            category="collectibles", image_urls=[], location="Lyon", starting_price=Money.parse("10", "EUR"),
            reserve_price=None, buy_now_price=None, duration_seconds=86400,
        )
        deadline = time.monotonic() + READ_TIMEOUT_S
        while (item := Item.objects.filter(pk=listed.event.item_id).first()) is None:
            assert time.monotonic() < deadline, f"the listing was not projected within {READ_TIMEOUT_S} s"
            time.sleep(0.05)
        return item

    return make
