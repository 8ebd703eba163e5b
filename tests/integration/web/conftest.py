"""Fixtures for the web tier: people, read-model rows as the projector would write them, and the event log.

Nothing projects events in these tests (the pages and the API are tested on their own), so the
read-your-writes wait is cut short and requests that publish answer "pending".
"""
import functools
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from kafka import KafkaConsumer, TopicPartition

from auction.bidding.models import Bid
from auction.catalog.models import Item
from streams.events import BidPlaced, Event, ItemListed, decode
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
        self._consumer.assign(list(pending))
        for tp in pending:
            self._consumer.seek(tp, self._start[tp])
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
def decide_bid(event_log, settings):
    """Stands in for the bidding processor and the projector, which other tests cover.

    `with decide_bid(bidder, leader_id=...):` — the bid `bidder` places inside the block is
    written to the Bid read model as accepted, with `leader_id` leading afterwards. Needs
    `django_db(transaction=True)`: the row is written from another thread, hence connection.
    """
    settings.AUCTION_READ_YOUR_WRITES_SECONDS = READ_TIMEOUT_S

    @contextmanager
    def deciding(bidder, *, leader_id: int) -> Iterator[None]:
        def decide() -> None:
            try:
                placed = event_log.wait_for(BidPlaced, by=bidder.username)
                Bid.objects.create(
                    id=placed.bid_id,
                    item_id=placed.item_id,
                    bidder_id=placed.bidder_id,
                    bidder_name=placed.bidder_name,
                    amount=placed.amount.minor,
                    currency=placed.amount.currency,
                    status=Bid.Status.ACCEPTED,
                    price_after=placed.amount.minor,
                    leader_after_id=leader_id,
                    decided_at=timezone.now(),
                )
            finally:
                connection.close()

        thread = threading.Thread(target=decide)
        thread.start()
        try:
            yield
        finally:
            thread.join()

    return deciding
