"""The bidding processor applies staff interventions: end now closes at once, an extension moves end and timer.

Handlers run against the runtime's real per-partition state (`TaskState`) and `Context`, as the
`Runner` calls them, with a clock the test moves.
"""
from datetime import datetime, timedelta, timezone

import pytest

from streams.events import (
    AuctionClosed,
    AuctionEndRequested,
    AuctionExtended,
    AuctionExtensionRequested,
    BidPlaced,
    ItemListed,
    decode,
    encode,
)
from streams.money import Money
from streams.processors import bidding
from streams.processors.bidding_retention import Retention
from streams.runtime.context import Context
from streams.runtime.processor import Record
from streams.runtime.tasks import TaskState

ITEM = "5f0c6a52-3b1e-4c1a-9d55-0a8e2f6b7c01"
START = datetime(2030, 1, 1, 12, 0, tzinfo=timezone.utc)
END = START + timedelta(hours=1)
STAFF = 99


class Harness:
    """One partition of the bidding processor, fed events one by one."""

    def __init__(self) -> None:
        self.now = START
        self.task = TaskState(0, [store.name for store in bidding.processor.state_stores])
        self.context = Context(bidding.NAME, lambda: self.now.timestamp())
        self.offset = 0

    def feed(self, event) -> list:
        encoded = encode(event, source="test")
        envelope = decode(encoded.headers, encoded.key, encoded.value)
        stamp = int(self.now.timestamp() * 1000)
        record = Record("auction.items", 0, self.offset, stamp, encoded.key, envelope, encoded.headers)
        self.offset += 1
        emits = bidding.handle(record, self.context.bind(self.task)) or ()
        return [decode(emit.headers, _bytes(emit.key), emit.value).event for emit in emits]

    def timer_due_at(self) -> datetime | None:
        due = self.task.timers.next_due_ms()
        return None if due is None else datetime.fromtimestamp(due / 1000, tz=timezone.utc)


def _bytes(key: bytes | str) -> bytes:
    return key.encode() if isinstance(key, str) else key


def _listed() -> ItemListed:
    return ItemListed(
        item_id=ITEM, seller_id=1, seller_name="seller", title="Lamp", description="", category="home", location="Lyon",
        starting_price=Money(minor=10_00), starts_at=START, ends_at=END,
        extension_window_seconds=120, extension_cap_seconds=600,
    )


def _bid(bidder: int, amount: int, at: datetime) -> BidPlaced:
    return BidPlaced(
        bid_id=f"00000000-0000-4000-8000-{bidder:012d}", item_id=ITEM, bidder_id=bidder, bidder_name=f"b{bidder}",
        amount=Money(minor=amount), placed_at=at,
    )


@pytest.fixture
def harness() -> Harness:
    h = Harness()
    h.feed(_listed())
    return h


def test_end_now_closes_at_once_with_the_leader_as_winner_and_drops_the_timer(harness):
    harness.now = START + timedelta(minutes=10)
    harness.feed(_bid(2, 12_00, harness.now))
    harness.now += timedelta(minutes=1)
    [closed] = harness.feed(AuctionEndRequested(item_id=ITEM, reason="fraud check done", acted_by=STAFF))
    assert isinstance(closed, AuctionClosed)
    assert (closed.outcome, closed.winner_id, closed.final_price, closed.closed_at) == (
        "sold", 2, Money(minor=12_00), harness.now
    )
    assert harness.timer_due_at() == harness.now + Retention().grace, "the end-time timer is now the eviction's"
    assert harness.feed(AuctionEndRequested(item_id=ITEM, reason="again", acted_by=STAFF)) == []


def test_an_extension_moves_the_end_and_the_timer(harness):
    new_end = END + timedelta(days=1)
    [extended] = harness.feed(AuctionExtensionRequested(item_id=ITEM, ends_at=new_end, reason="outage", acted_by=STAFF))
    assert isinstance(extended, AuctionExtended)
    assert (extended.previous_ends_at, extended.ends_at, extended.seq) == (END, new_end, 1)
    assert harness.timer_due_at() == new_end
    harness.now = END + timedelta(minutes=5)  # past the original end: bids are still welcome
    [accepted] = harness.feed(_bid(2, 12_00, harness.now))
    assert accepted.type == "auction.bid.accepted.v1"


def test_an_extension_that_is_not_later_or_comes_after_the_close_does_nothing(harness):
    earlier = END - timedelta(minutes=5)
    assert harness.feed(AuctionExtensionRequested(item_id=ITEM, ends_at=earlier, reason="typo", acted_by=STAFF)) == []
    assert harness.timer_due_at() == END
    harness.feed(AuctionEndRequested(item_id=ITEM, reason="done", acted_by=STAFF))
    later = END + timedelta(days=1)
    assert harness.feed(AuctionExtensionRequested(item_id=ITEM, ends_at=later, reason="late", acted_by=STAFF)) == []


def test_staff_events_about_unknown_items_are_ignored():
    harness = Harness()
    assert harness.feed(AuctionEndRequested(item_id=ITEM, reason="?", acted_by=STAFF)) == []
    assert harness.feed(AuctionExtensionRequested(item_id=ITEM, ends_at=END, reason="?", acted_by=STAFF)) == []
