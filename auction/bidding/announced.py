"""A decision as the projector announces it, so the bidder's reply needs no read of what it just wrote.

The projector announces each decided bid once its batch has committed (`auction.streaming.announcements`);
with the bid id it sends the decision event and the item's public state as that batch left it
(`decision_news`). The web process waiting for that bid turns the news back into the bid's row
and the item's state (`announced_decision`) and answers from them, as it would from reading
both rows right after the commit. The state is sent only when the item was open when the bid
was decided and the batch did not close it; otherwise (and for news it cannot read) the waiter
reads the rows as before.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import json

import pydantic

from auction.bidding.models import Bid
from auction.bidding.projections import decision_row
from streams.events import AuctionClosed, AuctionExtended, AuctionState, BidAccepted, BidRejected, RejectReason

OPEN_WHEN_REFUSED = frozenset({
    RejectReason.OWN_ITEM, RejectReason.CURRENCY_MISMATCH, RejectReason.INVALID_AMOUNT, RejectReason.BELOW_MINIMUM,
})
"""Refusals the bidding processor gives only for an auction still open (`streams.bidding.rejections`)."""


@dataclass(frozen=True)
class AnnouncedDecision:
    bid: Bid
    """The bid's row as the projector wrote it (unsaved)."""
    state: AuctionState | None
    """The item's public state after the batch that decided it; None: read the item."""


def decision_news(events: Sequence[object]) -> dict[str, str]:
    """Per decided bid of a projector batch (by bid id): its decision, and the item's state once the batch is applied.

    Each as JSON text, which a web process keeps as it came (a few thousand of them, lately
    announced, wait there for their requests) and parses only for the request that asks.

    The state is the latest (by seq) of the batch's decisions on the item, with the batch's
    latest extension of it laid over when that is later still: the columns the projector writes.
    None for an item the batch closes, or one that was closed, cancelled or unknown at a decision.
    """
    news: dict[str, BidAccepted | BidRejected] = {}
    states: dict[str, AuctionState | None] = {}  # None: no state to send for the item
    extended: dict[str, AuctionExtended] = {}
    decided: dict[str, list[str]] = {}
    for event in events:  # in any order: a batch mixes topics, and the close comes on another one
        if isinstance(event, (BidAccepted, BidRejected)):
            item, state = str(event.item_id), event.state
            open_item = isinstance(event, BidAccepted) or event.reason_code in OPEN_WHEN_REFUSED
            if not open_item or state is None:
                states[item] = None
            elif item not in states or (states[item] is not None and state.seq >= states[item].seq):
                states[item] = state
            news[str(event.bid_id)] = event
            decided.setdefault(item, []).append(str(event.bid_id))
        elif isinstance(event, AuctionExtended):
            if str(event.item_id) not in extended or event.seq > extended[str(event.item_id)].seq:
                extended[str(event.item_id)] = event
        elif isinstance(event, AuctionClosed):
            states[str(event.item_id)] = None
    for item, extension in extended.items():
        if (state := states.get(item)) is not None and extension.seq > state.seq:
            states[item] = state.model_copy(update={"ends_at": extension.ends_at, "seq": extension.seq})
    texts: dict[str, str] = {}
    for item, bid_ids in decided.items():
        state = "null" if states.get(item) is None else _json(states[item])
        for bid_id in bid_ids:
            event = news[bid_id]
            texts[bid_id] = f'{{"type": {json.dumps(event.type)}, "event": {_json(event)}, "state": {state}}}'
    return texts


def _json(model: pydantic.BaseModel) -> str:
    """The model's JSON as its event is produced (pydantic's serializer, not `json` in Python: the projector's time counts)."""
    return type(model).__pydantic_serializer__.to_json(model).decode()


_DECISIONS = {BidAccepted.type: BidAccepted, BidRejected.type: BidRejected}


def announced_decision(news: object) -> AnnouncedDecision | None:
    """The decision and item state `decision_news` sent for one bid; None when there is none to use."""
    try:
        news = json.loads(news) if isinstance(news, str) else None
    except ValueError:
        return None
    if not isinstance(news, dict) or (decision_class := _DECISIONS.get(news.get("type"))) is None:
        return None
    try:
        event = decision_class.model_validate(news.get("event"))
        state = None if news.get("state") is None else AuctionState.model_validate(news["state"])
    except pydantic.ValidationError:
        return None
    if isinstance(event, BidRejected) and event.reason_code == RejectReason.UNKNOWN_ITEM:
        return None  # the projector may keep an earlier decision of this bid over it: read the row
    return AnnouncedDecision(bid=decision_row(event), state=state)
