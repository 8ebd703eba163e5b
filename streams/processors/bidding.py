"""The bidding processor: the single writer of auction state.

It joins `auction.bids` with the items table (a per-partition store restored from its compacted
changelog), asks the pure engine for each decision, and closes auctions by timers at their end
time. Inputs are merged in timestamp order, listings first on ties, so a bid never precedes
the listing it refers to. Everything it emits, its state and its offsets commit in one Kafka
transaction.

It answers each request once: the ids it decided are remembered per kept item
(`bidding_stores`), so a record replayed from upstream gets no second, different answer. Its
state stays bounded (`bidding_retention`): an item's timer, after closing it, fires again to
evict the closed item's state once a grace period has passed, leaving only an entry in the
closed index, and once more to forget that entry.
"""
from __future__ import annotations

import uuid
from collections.abc import Iterator

from streams import bidding
from streams.events import (
    AuctionCancelled,
    AuctionEndRequested,
    AuctionExtensionRequested,
    BidAccepted,
    BidPlaced,
    BidRejected,
    BuyNowRequested,
    Envelope,
    Event,
    ItemListed,
    Outcome,
    decode,
    encode,
    encode_json,
)
from streams.events.ids import DerivedIds
from streams.processors import bidding_payloads as payloads
from streams.processors import bidding_translate as tr
from streams.processors.bidding_retention import Retention
from streams.processors.bidding_stores import CLOSED, DECIDED, ITEMS, first_decision, forget_decisions
from streams.runtime.context import from_ms, to_ms
from streams.runtime.processor import Emit, Processor, Record
from streams.runtime.timers import Timer
from streams.topics import BIDS_HISTORY_TOPIC, BIDS_TOPIC, ITEMS_COMPLETE_TOPIC, ITEMS_TOPIC, topic_for

NAME = "bidding"
SOURCE = "/auction/bidding"
_IDS = DerivedIds(uuid.UUID("6f1d7c52-3d0e-4c1b-9a59-1f0e2b7c9a11"))


def _emit(event: Event, cause: str) -> Emit:
    """Event ids derive from what caused them, so a replayed decision keeps its id downstream."""
    record = encode(event, source=SOURCE, event_id=_IDS(cause))
    return Emit(topic_for(type(event)).name, record.key, record.value, record.headers)


def _decision(event_class: type[BidAccepted | BidRejected], item_id: str, payload: bytes, cause: str) -> Emit:
    """`_emit` for a decision whose JSON `bidding_payloads` wrote."""
    record = encode_json(event_class, item_id, payload, source=SOURCE, event_id=_IDS(f"{cause}/decision"))
    return Emit(BIDS_HISTORY_TOPIC, record.key, record.value, record.headers)


class _Handlers:
    """The processor's handlers, for one retention policy."""

    def __init__(self, retention: Retention) -> None:
        self.retention = retention

    def handle(self, record: Record, ctx) -> Iterator[Emit]:
        envelope: Envelope = record.value
        event = envelope.event
        items = ctx.state(ITEMS.name)
        state: bidding.PrivateAuctionState | None = items.get(event.item_id)
        if isinstance(event, ItemListed):
            if state is None and not self._stale_listing(event, record.timestamp_ms, ctx):
                items.set(event.item_id, bidding.open_auction(tr.terms_of(event)))
                ctx.schedule(event.item_id, event.ends_at)
        elif isinstance(event, BidPlaced):
            yield from self._bid(event, envelope.id, state, record.timestamp_ms, ctx)
        elif isinstance(event, BuyNowRequested):
            yield from self._buy_now(event, envelope.id, state, record.timestamp_ms, ctx)
        elif state is None:
            return  # staff events about items the processor does not hold change nothing
        elif isinstance(event, AuctionCancelled):
            yield from self._close_early(bidding.cancel(state, ctx.now()), envelope.id, record.timestamp_ms, ctx)
        elif isinstance(event, AuctionEndRequested):
            yield from self._close_early(bidding.end_now(state, ctx.now()), envelope.id, record.timestamp_ms, ctx)
        elif isinstance(event, AuctionExtensionRequested):
            state, extended = bidding.extend(state, event.ends_at, ctx.now())
            if extended is not None:
                items.set(event.item_id, state)
                ctx.schedule(event.item_id, state.ends_at)
                yield _emit(tr.extended_event(extended), f"{envelope.id}/extended")

    def on_timer(self, timer: Timer, ctx) -> Iterator[Emit]:
        """The item's one timer: its close at the end, then its eviction, then forgetting it."""
        items = ctx.state(ITEMS.name)
        state = items.get(timer.key)
        if state is None:
            ctx.state(CLOSED.name).delete(timer.key)  # remembered long enough: forget the item
            return
        if state.status is bidding.Status.CLOSED:
            self._evict(timer.key, state, closed_ms=timer.payload if timer.payload is not None else timer.at_ms, ctx=ctx)
            return
        new_state, closed = bidding.close(state, ctx.now())
        if closed is None:
            if new_state.status is bidding.Status.OPEN:  # extended since: wait for the new end
                ctx.schedule(timer.key, new_state.ends_at)
            return
        items.set(timer.key, new_state)
        self._evict_later(timer.key, timer.at_ms, ctx)
        yield _emit(tr.closed_event(closed, new_state.terms.currency), f"{timer.key}/closed")

    def _close_early(self, result, cause: str, stream_ms: int, ctx) -> Iterator[Emit]:
        """A close the seller, a buyer or staff asked for: its eviction replaces the end-time timer."""
        state, closed = result
        if closed is not None:
            ctx.state(ITEMS.name).set(closed.item_id, state)
            self._evict_later(closed.item_id, stream_ms, ctx)
            yield _emit(tr.closed_event(closed, state.terms.currency), f"{cause}/closed")

    def _bid(self, event: BidPlaced, cause: str, state, stream_ms: int, ctx) -> Iterator[Emit]:
        now, item_id = ctx.now(), event.item_id
        if state is None:
            yield self._refusal(event.bid_id, item_id, event.bidder_id, event.amount, now, cause, ctx)
            return
        if not first_decision(ctx.state(DECIDED.name), item_id, event.bid_id):
            return  # a replay: this bid was answered already
        new_state, decision = bidding.judge_bid(state, tr.bid_of(event), min(now, event.placed_at))
        if isinstance(decision, bidding.Rejected):
            payload = payloads.rejected_json(
                request_id=event.bid_id, item_id=item_id, bidder_id=event.bidder_id, amount=event.amount,
                decision=decision, state=state, decided_at=now,
            )
            yield _decision(BidRejected, item_id, payload, cause)
            return
        ctx.state(ITEMS.name).set(item_id, new_state)
        yield _decision(BidAccepted, item_id, payloads.accepted_json(event, decision, now), cause)
        if decision.extended is not None:
            ctx.schedule(event.item_id, decision.extended.ends_at)
            yield _emit(tr.extended_event(decision.extended), f"{cause}/extended")

    def _buy_now(self, event: BuyNowRequested, cause: str, state, stream_ms: int, ctx) -> Iterator[Emit]:
        now = ctx.now()
        if state is None:
            yield self._refusal(event.request_id, event.item_id, event.buyer_id, None, now, cause, ctx)
            return
        if not first_decision(ctx.state(DECIDED.name), event.item_id, event.request_id):
            return
        new_state, decision = bidding.buy_now(state, tr.buy_now_of(event), min(now, event.requested_at))
        if isinstance(decision, bidding.Rejected):
            payload = payloads.rejected_json(
                request_id=event.request_id, item_id=event.item_id, bidder_id=event.buyer_id, amount=None,
                decision=decision, state=state, decided_at=now,
            )
            yield _decision(BidRejected, event.item_id, payload, cause)
            return
        yield from self._close_early((new_state, decision), cause, stream_ms, ctx)

    def _stale_listing(self, event: ItemListed, stream_ms: int, ctx) -> bool:
        """A replayed listing: of an item still in the closed index, or of one that ended longer ago than
        the index remembers (a listing is published before its end, so only a replay comes that late)."""
        return event.item_id in ctx.state(CLOSED.name) or to_ms(event.ends_at) + self.retention.memory_ms <= stream_ms

    @staticmethod
    def _refusal(request_id: str, item_id: str, person_id: int, amount, now, cause: str, ctx) -> Emit:
        """The answer to a request for an item without state: closed long ago (the index says), or unknown."""
        remembered = ctx.state(CLOSED.name).get(item_id)
        decision = bidding.reject_unknown() if remembered is None else bidding.reject_ended(Outcome(remembered[1]))
        payload = payloads.rejected_json(
            request_id=request_id, item_id=item_id, bidder_id=person_id, amount=amount,
            decision=decision, state=None, decided_at=now,
        )
        return _decision(BidRejected, item_id, payload, cause)

    def _evict_later(self, item_id: str, closed_ms: int, ctx) -> None:
        ctx.schedule(item_id, from_ms(closed_ms + self.retention.grace_ms), payload=closed_ms)

    def _evict(self, item_id: str, state: bidding.PrivateAuctionState, *, closed_ms: int, ctx) -> None:
        ctx.state(ITEMS.name).delete(item_id)
        forget_decisions(ctx.state(DECIDED.name), item_id)
        ctx.state(CLOSED.name).set(item_id, (closed_ms, state.outcome.value))
        ctx.schedule(item_id, from_ms(closed_ms + self.retention.memory_ms))


def bidding_processor(retention: Retention) -> Processor:
    """The bidding processor keeping closed auctions as `retention` says."""
    handlers = _Handlers(retention)
    return Processor(
        name=NAME,
        inputs=(ITEMS_TOPIC, BIDS_TOPIC),
        outputs=(BIDS_HISTORY_TOPIC, ITEMS_COMPLETE_TOPIC),
        stores=(ITEMS, DECIDED, CLOSED),
        handle=handlers.handle,
        on_timer=handlers.on_timer,
        decode=decode,
    )


processor = bidding_processor(Retention.from_env())
handle, on_timer = processor.handle, processor.on_timer
