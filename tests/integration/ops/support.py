"""Helpers of the ops tests: reading what the web tier produced about an item, listing through the real services."""
import time
from collections.abc import Callable
from datetime import datetime, timezone
from typing import TypeVar

from django.conf import settings
from kafka import KafkaConsumer, TopicPartition

from auction.catalog.services import item_put_up
from streams.events import Event, decode
from streams.money import Money

READ_TIMEOUT_S = 15
E = TypeVar("E", bound=Event)


class EventsSince:
    """Events produced to a topic from the moment this reader was made (the topics are shared: filter by item)."""

    def __init__(self, bootstrap: str, topic: str) -> None:
        self._consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, isolation_level="read_committed")
        partitions = [TopicPartition(topic, p) for p in self._consumer.partitions_for_topic(topic)]
        self._consumer.assign(partitions)
        for tp, offset in self._consumer.end_offsets(partitions).items():
            self._consumer.seek(tp, offset)
        self._seen: list[Event] = []

    def wait_for(self, event_class: type[E], matching: Callable[[E], bool]) -> E:
        deadline = time.monotonic() + READ_TIMEOUT_S
        while time.monotonic() < deadline:
            for records in self._consumer.poll(timeout_ms=200).values():
                self._seen += [decode(record.headers, record.key, record.value).event for record in records]
            found = [event for event in self._seen if isinstance(event, event_class) and matching(event)]
            if found:
                return found[-1]
        raise AssertionError(f"no matching {event_class.__name__} within {READ_TIMEOUT_S} s")

    def close(self) -> None:
        self._consumer.close()


def listed(seller, *, title: str, starting: str = "10.00", reserve: str | None = None, minutes: int = 10) -> str:
    """An item listed through the real service; returns its id."""
    currency = settings.AUCTION_CURRENCY
    return item_put_up(
        seller=seller,
        title=title,
        description="Listed by the ops tests.",
        category="home",
        image_urls=[],
        location="Lyon",
        starting_price=Money.parse(starting, currency),
        reserve_price=reserve and Money.parse(reserve, currency),
        buy_now_price=None,
        duration_seconds=minutes * 60,
        now=datetime.now(timezone.utc),
    ).event.item_id
