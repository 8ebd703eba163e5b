"""Which live messages a decision makes, and for which groups. Pure: no I/O.

Every message about an item carries the item's sequence number, so a browser applies them in
order, ignores repeats and resyncs from a snapshot when it sees a gap. Item and browse groups get
the public state with masked names; a person's group gets the facts about them ("you lead",
"you were outbid", "you won", "your item sold"), which is how a leader's page can say "you"
while everyone else's shows a masked name.

Message shapes (JSON):
- `{"type": "item", "item", "seq", "fields": {data-field: value}, "bid"?: history row}`
- `{"type": "lead", "item", "seq"}`: the receiver leads at that seq
- `{"type": "toast", "kind", "item", "seq", "text", "url"}`
"""
from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from auction.catalog.models import Item
from auction.live.changes import after_bid, after_close, after_extension
from auction.live.fields import Fields, history_row, public_fields
from auction.live.groups import BROWSE, item_group, person_group
from streams.events import AuctionClosed, AuctionExtended, BidAccepted, Event, Outcome

LIVE_EVENTS = (BidAccepted, AuctionExtended, AuctionClosed)
"""The events that change what a page shows; rejections change nothing public."""

BID_FIELDS = ("status", "price", "price-label", "minimum-bid", "bid-count", "reserve", "leader", "buy-now", "time-left")
EXTENSION_FIELDS = ("time-left",)
CLOSE_FIELDS = ("status", "price", "price-label", "minimum-bid", "bid-count", "leader", "buy-now", "time-left", "outcome")
CARD_FIELDS = ("status", "price", "bid-count", "time-left", "outcome")
"""What a browse card shows; the browse feed carries every item's changes, so it stays small."""


@dataclass(frozen=True)
class Push:
    group: str
    message: dict[str, Any]


def pushes_for(event: Event, item: Item | None) -> list[Push]:
    """The messages `event` makes, given the item's read-model row (None when it is not projected yet).

    Without the row no page can be showing the item, so only the personal messages go out.
    """
    if isinstance(event, BidAccepted):
        return _bid_accepted(event, item)
    if isinstance(event, AuctionExtended):
        return [] if item is None else _item_changed(after_extension(item, event), EXTENSION_FIELDS)
    if isinstance(event, AuctionClosed):
        return _closed(event, item)
    return []


def _subset(fields: Fields, names: tuple[str, ...]) -> Fields:
    return {name: fields[name] for name in names}


def _item_changed(after: Item, names: tuple[str, ...], **extra: Any) -> list[Push]:
    fields = public_fields(after)
    item_id = str(after.pk)
    page = {"type": "item", "item": item_id, "seq": after.seq, "fields": _subset(fields, names), **extra}
    card = {"type": "item", "item": item_id, "seq": after.seq, "fields": _subset(fields, tuple(n for n in CARD_FIELDS if n in names))}
    return [Push(item_group(item_id), page), Push(BROWSE, card)]


def _toast(person_id: int, kind: str, *, item_id: str, seq: int, text: str) -> Push:
    message = {
        "type": "toast",
        "kind": kind,
        "item": item_id,
        "seq": seq,
        "text": text,
        "url": reverse("bidding:item", kwargs={"item_id": item_id}),
    }
    return Push(person_group(person_id), message)


def _title(item: Item | None, unknown: str) -> str:
    """The item's title in quotes; `unknown` when its row is not projected yet."""
    return f"“{item.title}”" if item is not None else unknown


def _bid_accepted(event: BidAccepted, item: Item | None) -> list[Push]:
    state, item_id = event.state, event.item_id
    pushes = []
    if state.leader_id is not None:  # the leader's page shows "you" for this seq, whichever comes first
        pushes.append(Push(person_group(state.leader_id), {"type": "lead", "item": item_id, "seq": state.seq}))
    if item is not None:
        bid = history_row(
            bidder_name=event.bidder_name, bidder_id=event.bidder_id, amount=event.amount, decided_at=event.decided_at
        )
        pushes += _item_changed(after_bid(item, state), BID_FIELDS, bid=bid)
    price = state.price.display() if state.price is not None else ""
    outbid = {event.previous_leader_id, event.bidder_id} - {state.leader_id, None}
    pushes += [
        _toast(
            person, "outbid", item_id=item_id, seq=state.seq,
            text=f"You've been outbid on {_title(item, 'an auction')}. The price is now {price}.",
        )
        for person in sorted(outbid)
    ]
    return pushes


_UNSOLD = {
    Outcome.NO_BIDS: "ended with no bids",
    Outcome.RESERVE_NOT_MET: "ended without a sale: the reserve was not met",
    Outcome.CANCELLED: "was cancelled",
}


def _closed(event: AuctionClosed, item: Item | None) -> list[Push]:
    pushes = [] if item is None else _item_changed(after_close(item, event), CLOSE_FIELDS)
    item_id, seq = event.item_id, event.seq
    listing = f"Your listing {_title(item, '')}".rstrip()
    if event.winner_id is not None and event.final_price is not None:
        price = event.final_price.display()
        verb = "bought" if event.outcome == Outcome.BOUGHT_NOW else "won"
        pushes.append(_toast(event.winner_id, "won", item_id=item_id, seq=seq, text=f"You {verb} {_title(item, 'an auction')} for {price}."))
        pushes.append(_toast(event.seller_id, "sold", item_id=item_id, seq=seq, text=f"{listing} sold for {price}."))
    else:
        text = f"{listing} {_UNSOLD.get(event.outcome, 'ended')}."
        pushes.append(_toast(event.seller_id, "unsold", item_id=item_id, seq=seq, text=text))
    return pushes
