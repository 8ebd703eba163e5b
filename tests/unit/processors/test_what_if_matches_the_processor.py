"""Under the live rules, "what if" decides history as the bidding processor did: the real processor's handlers
(its state stores, its timers fired in stream time as the runner fires them) and `Redecider` fed the same
records come to the same outcomes, winners, prices, bid counts, refusals and moved ends, auction by auction."""
import uuid
from collections import Counter
from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from streams.bidding import LIVE_RULES, Accepted, Extended
from streams.bidding.what_if import Redecider
from streams.events import (
    AuctionCancelled,
    AuctionClosed,
    AuctionEndRequested,
    AuctionExtended,
    AuctionExtensionRequested,
    BidPlaced,
    BidRejected,
    BuyNowRequested,
    ItemListed,
    decode,
    encode,
)
from streams.money import Money
from streams.processors import bidding
from streams.runtime.context import Context, to_ms
from streams.runtime.processor import Record
from streams.runtime.tasks import TaskState
from streams.what_if_log import item_event

START = datetime(2030, 1, 1, 12, 0, tzinfo=timezone.utc)
ITEMS = [str(uuid.UUID(int=n + 1, version=4)) for n in range(3)]


class Processor:
    """One partition of the live bidding processor, fed records in log order; timers fire as the runner's do."""

    def __init__(self) -> None:
        self.now = START
        self.task = TaskState(0, [store.name for store in bidding.processor.state_stores])
        self.context = Context(bidding.NAME, lambda: self.now.timestamp())
        self.offset = 0
        self.emitted: list = []

    def feed(self, event, at: datetime) -> None:
        self.fire_timers_before(at)
        self.now = at
        encoded = encode(event, source="test")
        envelope = decode(encoded.headers, encoded.key, encoded.value)
        record = Record("auction.bids", 0, self.offset, to_ms(at), encoded.key, envelope, encoded.headers)
        self.offset += 1
        self._emitted(bidding.handle(record, self.context.bind(self.task)))

    def fire_timers_before(self, at: datetime) -> None:
        while (timer := self.task.timers.pop_due(to_ms(at) - 1)) is not None:
            self.now = max(self.now, datetime.fromtimestamp(timer.at_ms / 1000, tz=timezone.utc))
            self._emitted(bidding.on_timer(timer, self.context.bind(self.task)))

    def _emitted(self, emits) -> None:
        for emit in emits or ():
            key = emit.key.encode() if isinstance(emit.key, str) else emit.key
            self.emitted.append(decode(emit.headers, key, emit.value).event)


@st.composite
def logs(draw):
    """Listings of up to three items, then requests on them over the next half hour, a second or more apart."""
    events, at = [], START
    listed = ITEMS[: draw(st.integers(1, 3))]
    for item_id in listed:
        start = draw(st.sampled_from([1_00, 10_00]))
        reserve = draw(st.none() | st.just(start * 5))
        events.append((ItemListed(
            item_id=item_id, seller_id=1, seller_name="seller", title="Lot", description="", category="home", location="",
            starting_price=Money(minor=start), reserve_price=None if reserve is None else Money(minor=reserve),
            buy_now_price=draw(st.none() | st.just(Money(minor=(reserve or start) * 3))),
            starts_at=at, ends_at=at + timedelta(seconds=draw(st.integers(300, 1200))),
            extension_window_seconds=draw(st.sampled_from([0, 60, 180])), extension_cap_seconds=draw(st.sampled_from([60, 600])),
        ), at))
    for n in range(draw(st.integers(0, 30))):
        at += timedelta(seconds=draw(st.integers(1, 120)))
        item_id = draw(st.sampled_from(listed))
        kind = draw(st.sampled_from(["bid"] * 10 + ["buy", "cancel", "end", "extend"]))
        if kind == "bid":
            amount = draw(st.integers(50, 200_00))
            maximum = draw(st.none() | st.integers(amount, amount * 3))
            bidder = draw(st.integers(1, 5))
            events.append((BidPlaced(
                bid_id=str(uuid.UUID(int=1000 + n, version=4)), item_id=item_id, bidder_id=bidder, bidder_name=f"b{bidder}",
                amount=Money(minor=amount), max_amount=None if maximum is None else Money(minor=maximum),
                placed_at=at - timedelta(seconds=draw(st.integers(0, 60))),  # read late: judged when placed
            ), at))
        elif kind == "buy":
            events.append((BuyNowRequested(
                request_id=str(uuid.UUID(int=1000 + n, version=4)), item_id=item_id, buyer_id=7, buyer_name="buyer", requested_at=at,
            ), at))
        elif draw(st.integers(0, 3)) == 0:  # staff step in now and then
            if kind == "cancel":
                events.append((AuctionCancelled(item_id=item_id, reason="Withdrawn."), at))
            elif kind == "end":
                events.append((AuctionEndRequested(item_id=item_id, reason="Ended.", acted_by=99), at))
            else:
                new_end = at + timedelta(seconds=draw(st.integers(-300, 900)))
                events.append((AuctionExtensionRequested(item_id=item_id, ends_at=new_end, reason="More time.", acted_by=99), at))
    return events


@settings(max_examples=80, deadline=None)
@given(logs())
def test_under_the_live_rules_each_auction_ends_as_the_processor_ended_it(log):
    until = START + timedelta(hours=3)
    live, redecider = Processor(), Redecider(LIVE_RULES)
    moved = Counter()  # (item, new end): the ends the redecider moved, by soft close or staff
    for event, at in log:
        live.feed(event, at)
        for fact in redecider.feed(item_event(event, at)):
            extended = fact.extended if isinstance(fact, Accepted) else fact if isinstance(fact, Extended) else None
            if extended is not None:
                moved[extended.item_id, extended.ends_at] += 1
    live.fire_timers_before(until)
    redecider.finish(until)

    closes = {e.item_id: e for e in live.emitted if isinstance(e, AuctionClosed)}
    refused = Counter(e.item_id for e in live.emitted if isinstance(e, BidRejected))
    results = redecider.results()
    assert moved == Counter((e.item_id, e.ends_at) for e in live.emitted if isinstance(e, AuctionExtended))
    assert results.keys() == {event.item_id for event, _ in log if isinstance(event, ItemListed)}
    for item_id, result in results.items():
        closed = closes.get(item_id)
        assert (result.outcome is None) == (closed is None)
        if closed is not None:
            final = None if closed.final_price is None else closed.final_price.minor
            assert (result.outcome, result.winner_id, result.final_price, result.accepted) == (
                closed.outcome, closed.winner_id, final, closed.bid_count
            )
        assert result.rejected == refused[item_id]
