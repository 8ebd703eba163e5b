"""The bidding processor: the single writer of auction state.

It joins `auction.bids` with the items table (a per-partition store restored from its compacted
changelog), asks the pure engine for each decision, and closes auctions by timers at their end
time. Inputs are merged in timestamp order, listings first on ties, so a bid never precedes
the listing it refers to. Everything it emits, its state and its offsets commit in one Kafka
transaction.
"""
import json
import uuid
from collections.abc import Iterator

from streams import bidding
from streams.events import (
    AuctionCancelled,
    AuctionEndRequested,
    AuctionExtensionRequested,
    BidPlaced,
    BuyNowRequested,
    Envelope,
    Event,
    ItemListed,
    decode,
    encode,
)
from streams.events.ids import DerivedIds
from streams.processors import bidding_translate as tr
from streams.runtime.processor import Emit, Processor, Record
from streams.runtime.state import Serde, Store
from streams.runtime.timers import Timer
from streams.topics import BIDS_HISTORY_TOPIC, BIDS_TOPIC, ITEMS_COMPLETE_TOPIC, ITEMS_TOPIC, topic_for

NAME = "bidding"
SOURCE = "/auction/bidding"
ITEMS = Store(
    "items",
    Serde(
        dumps=lambda state: json.dumps(state.to_dict(), separators=(",", ":")).encode(),
        loads=lambda raw: bidding.PrivateAuctionState.from_dict(json.loads(raw)),
    ),
)
_IDS = DerivedIds(uuid.UUID("6f1d7c52-3d0e-4c1b-9a59-1f0e2b7c9a11"))


def _emit(event: Event, cause: str) -> Emit:
    """Event ids derive from what caused them, so a replayed decision keeps its id downstream."""
    record = encode(event, source=SOURCE, event_id=_IDS(cause))
    return Emit(topic_for(type(event)).name, record.key, record.value, record.headers)


def handle(record: Record, ctx) -> Iterator[Emit]:
    envelope: Envelope = record.value
    event = envelope.event
    items = ctx.state(ITEMS.name)
    state: bidding.PrivateAuctionState | None = items.get(event.item_id)
    if isinstance(event, ItemListed):
        if state is None:
            items.set(event.item_id, bidding.open_auction(tr.terms_of(event)))
            ctx.schedule(event.item_id, event.ends_at)
    elif isinstance(event, BidPlaced):
        yield from _bid(event, envelope.id, state, items, ctx)
    elif isinstance(event, BuyNowRequested):
        yield from _buy_now(event, envelope.id, state, items, ctx)
    elif isinstance(event, AuctionCancelled) and state is not None:
        yield from _close_early(bidding.cancel(state, ctx.now()), envelope.id, items, ctx)
    elif isinstance(event, AuctionEndRequested) and state is not None:
        yield from _close_early(bidding.end_now(state, ctx.now()), envelope.id, items, ctx)
    elif isinstance(event, AuctionExtensionRequested) and state is not None:
        state, extended = bidding.extend(state, event.ends_at, ctx.now())
        if extended is not None:
            items.set(event.item_id, state)
            ctx.schedule(event.item_id, state.ends_at)
            yield _emit(tr.extended_event(extended), f"{envelope.id}/extended")


def _close_early(result, cause: str, items, ctx) -> Iterator[Emit]:
    """A close the seller or staff asked for: it replaces the item's end-time timer."""
    state, closed = result
    if closed is not None:
        items.set(closed.item_id, state)
        ctx.cancel(closed.item_id)
        yield _emit(tr.closed_event(closed, state.terms.currency), f"{cause}/closed")


def _bid(event: BidPlaced, cause: str, state, items, ctx) -> Iterator[Emit]:
    now = ctx.now()
    judged_at = min(now, event.placed_at)
    if state is None:
        rejected = tr.rejected_event(
            request_id=event.bid_id, item_id=event.item_id, bidder_id=event.bidder_id, amount=event.amount,
            decision=bidding.reject_unknown(), state=None, decided_at=now,
        )
        yield _emit(rejected, f"{cause}/decision")
        return
    new_state, decision = bidding.judge_bid(state, tr.bid_of(event), judged_at)
    if isinstance(decision, bidding.Rejected):
        yield _emit(
            tr.rejected_event(
                request_id=event.bid_id, item_id=event.item_id, bidder_id=event.bidder_id, amount=event.amount,
                decision=decision, state=state, decided_at=now,
            ),
            f"{cause}/decision",
        )
        return
    items.set(event.item_id, new_state)
    yield _emit(tr.accepted_event(event, decision, now), f"{cause}/decision")
    if decision.extended is not None:
        ctx.schedule(event.item_id, decision.extended.ends_at)
        yield _emit(tr.extended_event(decision.extended), f"{cause}/extended")


def _buy_now(event: BuyNowRequested, cause: str, state, items, ctx) -> Iterator[Emit]:
    now = ctx.now()
    judged_at = min(now, event.requested_at)
    if state is None:
        new_state, decision = None, bidding.reject_unknown()
    else:
        new_state, decision = bidding.buy_now(state, tr.buy_now_of(event), judged_at)
    if isinstance(decision, bidding.Rejected):
        yield _emit(
            tr.rejected_event(
                request_id=event.request_id, item_id=event.item_id, bidder_id=event.buyer_id, amount=None,
                decision=decision, state=state, decided_at=now,
            ),
            f"{cause}/decision",
        )
        return
    items.set(event.item_id, new_state)
    ctx.cancel(event.item_id)
    yield _emit(tr.closed_event(decision, new_state.terms.currency), f"{cause}/closed")


def on_timer(timer: Timer, ctx) -> Iterator[Emit]:
    items = ctx.state(ITEMS.name)
    state = items.get(timer.key)
    if state is None:
        return
    new_state, closed = bidding.close(state, ctx.now())
    if closed is None:
        if new_state.status is bidding.Status.OPEN:  # extended since: wait for the new end
            ctx.schedule(timer.key, new_state.ends_at)
        return
    items.set(timer.key, new_state)
    yield _emit(tr.closed_event(closed, new_state.terms.currency), f"{timer.key}/closed")


processor = Processor(
    name=NAME,
    inputs=(ITEMS_TOPIC, BIDS_TOPIC),
    outputs=(BIDS_HISTORY_TOPIC, ITEMS_COMPLETE_TOPIC),
    stores=(ITEMS,),
    handle=handle,
    on_timer=on_timer,
    decode=decode,
)
