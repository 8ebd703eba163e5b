"""What the bidding processor remembers: decided request ids per kept item, closed items for a while.

The real processor runs in the runtime's `Runner` on the in-memory broker with a fake clock
(`tests/unit/runtime/fakebroker.py`): timers fire in stream time, state goes through the changelogs,
and a second instance restores it from them. Records are stamped with the clock, as producers do.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from kafka.structs import TopicPartition

from streams.events import AuctionCancelled, BidPlaced, BuyNowRequested, ItemListed, decode, encode
from streams.money import Money
from streams.processors.bidding import bidding_processor
from streams.processors.bidding_retention import Retention
from streams.processors.bidding_stores import CHUNK, CLOSED, DECIDED, ITEMS, first_decision, forget_decisions
from streams.runtime.state import KeyValueStore
from streams.topics import BIDS_HISTORY_TOPIC, BIDS_TOPIC, ITEMS_COMPLETE_TOPIC, ITEMS_TOPIC, changelog_topic
from tests.unit.runtime.fakebroker import FakeBroker, MockedClock, start_runner

RETENTION = Retention(grace=timedelta(minutes=10), memory=timedelta(hours=1))
PROCESSOR = bidding_processor(RETENTION)
LAMP, VASE = "5f0c6a52-3b1e-4c1a-9d55-0a8e2f6b7c01", "5f0c6a52-3b1e-4c1a-9d55-0a8e2f6b7c02"
SELLER = 1


def bid_id(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


class Auctions:
    """The bidding processor on a one-partition fake broker, fed events stamped with the fake clock."""

    def __init__(self) -> None:
        self.clock = MockedClock()
        self.broker = FakeBroker(self.clock)
        for topic in (ITEMS_TOPIC, BIDS_TOPIC, BIDS_HISTORY_TOPIC, ITEMS_COMPLETE_TOPIC, PROCESSOR.dead_letter_topic):
            self.broker.create_topic(topic, 1)
        self.instance = None
        self.instances = 0
        self.seen = {BIDS_HISTORY_TOPIC: 0, ITEMS_COMPLETE_TOPIC: 0}

    def start(self) -> None:
        if self.instance is not None:
            self.instance.runner.close()
        self.instances += 1
        self.instance = start_runner(self.broker, self.clock, PROCESSOR, instance=f"i{self.instances}")
        self.broker.assign(self.instance.consumer, [TopicPartition(ITEMS_TOPIC, 0), TopicPartition(BIDS_TOPIC, 0)])
        self.instance.step_until_idle()

    @property
    def now(self) -> datetime:
        return datetime.fromtimestamp(self.clock.time(), tz=timezone.utc)

    def feed(self, *events) -> list:
        """Produce the events, let the processor catch up, and return what it answered since the last call."""
        for event in events:
            record = encode(event, source="/tests")
            topic = ITEMS_TOPIC if isinstance(event, (ItemListed, AuctionCancelled)) else BIDS_TOPIC
            self.broker.produce(topic, record.key, record.value, partition=0, timestamp_ms=self.clock.time_ms(),
                                headers=record.headers)
        return self.answers()

    def wait(self, span: timedelta) -> list:
        self.clock.advance(span.total_seconds())
        return self.answers()

    def answers(self) -> list:
        """Decisions, then closes (each in the order written) since the last look."""
        self.instance.step_until_idle()
        new = []
        for topic in (BIDS_HISTORY_TOPIC, ITEMS_COMPLETE_TOPIC):
            records = self.broker.records(topic)
            new += records[self.seen[topic]:]
            self.seen[topic] = len(records)
        return [decode(record.headers, record.key, record.value).event for record in new]

    def stores(self) -> dict:
        task = self.instance.runner._tasks[0]
        return {name: dict(store.items()) for name, store in task.stores.items()}

    def changelog(self, store) -> list[tuple[str, bytes | None]]:
        return [(record.key.decode(), record.value) for record in self.broker.records(changelog_topic(PROCESSOR.name, store.name))]

    def listing(self, item_id: str, *, ends_in: timedelta = timedelta(minutes=5)) -> ItemListed:
        return ItemListed(
            item_id=item_id, seller_id=SELLER, seller_name="seller", title="Lamp", description="", category="home",
            location="Lyon", starting_price=Money(minor=10_00), buy_now_price=Money(minor=90_00),
            starts_at=self.now - timedelta(minutes=1), ends_at=self.now + ends_in, extension_window_seconds=0,
        )

    def bid(self, n: int, item_id: str = LAMP, *, bidder: int = 2, amount: int = 12_00) -> BidPlaced:
        return BidPlaced(bid_id=bid_id(n), item_id=item_id, bidder_id=bidder, bidder_name=f"b{bidder}",
                         amount=Money(minor=amount), placed_at=self.now)


def kinds(answers: list) -> list[tuple]:
    """Each answer as (type, bid id or outcome, reason code)."""
    return [
        (type(event).__name__, getattr(event, "bid_id", getattr(event, "outcome", None)), getattr(event, "reason_code", None))
        for event in answers
    ]


@pytest.fixture
def auctions() -> Auctions:
    auctions = Auctions()
    auctions.start()
    yield auctions
    auctions.instance.runner.close()


def test_a_replayed_bid_or_buy_now_request_is_answered_nothing_new(auctions):
    auctions.feed(auctions.listing(LAMP), auctions.listing(VASE))
    first = auctions.bid(1, bidder=2, amount=12_00)
    buy = BuyNowRequested(request_id=bid_id(9), item_id=VASE, buyer_id=3, buyer_name="b3", requested_at=auctions.now)
    assert kinds(auctions.feed(first, buy)) == [
        ("BidAccepted", bid_id(1), None), ("AuctionClosed", "bought_now", None)
    ]
    state = auctions.stores()[ITEMS.name][LAMP]

    assert auctions.feed(first, auctions.bid(1, bidder=2, amount=50_00), buy) == []  # same ids, whatever they say
    assert auctions.stores()[ITEMS.name][LAMP] == state
    assert kinds(auctions.feed(auctions.bid(2, bidder=3, amount=13_00))) == [("BidAccepted", bid_id(2), None)]


def test_a_closed_item_is_judged_from_its_state_during_the_grace_then_answered_from_the_closed_index(auctions):
    auctions.feed(auctions.listing(LAMP), auctions.listing(VASE), auctions.bid(1))
    assert kinds(auctions.feed(AuctionCancelled(item_id=VASE, reason="withdrawn"))) == [("AuctionClosed", "cancelled", None)]
    assert kinds(auctions.wait(timedelta(minutes=5))) == [("AuctionClosed", "sold", None)]

    late = auctions.feed(auctions.bid(2, amount=20_00), auctions.bid(1), auctions.bid(3, VASE))
    assert kinds(late) == [("BidRejected", bid_id(2), "closed"), ("BidRejected", bid_id(3), "cancelled")]
    assert late[0].state is not None and late[0].state.price == Money(minor=12_00)  # judged by the engine, in full

    assert auctions.wait(RETENTION.grace) == []  # both evicted: their state and decided ids leave
    stores = auctions.stores()
    assert LAMP not in stores[ITEMS.name] and VASE not in stores[ITEMS.name] and stores[DECIDED.name] == {}
    assert {key: outcome for key, (_, outcome) in stores[CLOSED.name].items()} == {LAMP: "sold", VASE: "cancelled"}
    assert (LAMP, None) in auctions.changelog(ITEMS) and (f"{LAMP}/0", None) in auctions.changelog(DECIDED)

    later = auctions.feed(auctions.bid(4, amount=30_00), auctions.bid(5, VASE), auctions.listing(LAMP))
    assert kinds(later) == [("BidRejected", bid_id(4), "closed"), ("BidRejected", bid_id(5), "cancelled")]
    assert later[0].state is None and later[0].minimum is None  # nothing of the auction is kept but its end
    assert LAMP not in auctions.stores()[ITEMS.name], "a replayed listing must not open the auction again"


def test_the_closed_index_forgets_an_item_after_its_memory_and_old_listings_stay_closed(auctions):
    listing = auctions.listing(LAMP)
    auctions.feed(listing)
    auctions.wait(timedelta(minutes=5))  # closed with no bids
    auctions.wait(RETENTION.memory)
    assert auctions.stores() == {ITEMS.name: {}, DECIDED.name: {}, CLOSED.name: {}, "timers": {}}

    assert kinds(auctions.feed(auctions.bid(1), listing)) == [("BidRejected", bid_id(1), "unknown_item")]
    assert auctions.wait(timedelta(minutes=10)) == [], "a listing replayed after its end and memory opens nothing"
    assert auctions.stores()[ITEMS.name] == {}


def test_restored_from_the_changelogs_after_evictions_it_keeps_the_same_state_and_gives_the_same_answers():
    runs = []
    for restart in (False, True):
        auctions = Auctions()
        auctions.start()
        auctions.feed(auctions.listing(LAMP), auctions.listing(VASE, ends_in=timedelta(minutes=30)))
        auctions.feed(*[auctions.bid(n, bidder=2 + n % 2, amount=10_00 + n * 50) for n in range(1, CHUNK + 20)])
        auctions.wait(timedelta(minutes=5) + RETENTION.grace)  # the lamp closed and evicted, the vase open
        before = auctions.stores()
        if restart:
            auctions.start()  # another instance, with nothing but the changelogs
            assert auctions.stores() == before
        answers = auctions.feed(
            auctions.bid(1), auctions.bid(500), auctions.bid(1, VASE), auctions.bid(501, VASE, amount=20_00),
            auctions.bid(501, VASE, amount=20_00), auctions.listing(LAMP),
        )
        answers += auctions.wait(RETENTION.memory)
        answers += auctions.feed(auctions.bid(502))
        runs.append((answers, auctions.stores()))
        auctions.instance.runner.close()

    (straight, straight_stores), (restarted, restarted_stores) = runs
    assert [event.model_dump() for event in restarted] == [event.model_dump() for event in straight]
    assert restarted_stores == straight_stores
    assert kinds(straight) == [
        ("BidRejected", bid_id(1), "closed"), ("BidRejected", bid_id(500), "closed"),
        ("BidAccepted", bid_id(1), None), ("BidAccepted", bid_id(501), None),
        ("AuctionClosed", "sold", None), ("BidRejected", bid_id(502), "unknown_item"),
    ]


def test_decided_ids_fill_chunks_of_bounded_size_and_are_forgotten_with_their_item():
    decided = KeyValueStore(DECIDED.name, 0)
    ids = [bid_id(n) for n in range(2 * CHUNK + 5)]
    assert all(first_decision(decided, LAMP, request_id) for request_id in ids)
    assert first_decision(decided, VASE, ids[0]), "ids are remembered per item"
    assert not any(first_decision(decided, LAMP, request_id) for request_id in ids)

    chunks = dict(decided.items())
    assert sorted(len(chunk) for key, chunk in chunks.items() if key.startswith(LAMP)) == [5, CHUNK, CHUNK]
    restored = KeyValueStore(DECIDED.name, 0)
    for key, chunk in decided.changes().items():
        restored.restore(key, DECIDED.serde.loads(DECIDED.serde.dumps(chunk)))
    assert dict(restored.items()) == chunks

    forget_decisions(decided, LAMP)
    assert list(decided.items()) == [(f"{VASE}/0", (ids[0],))]
