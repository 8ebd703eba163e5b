"""Who hears what: the facts of an auction in, the emails it calls for out. Pure, so every rule is unit-tested.

A notice carries the facts its email states (JSON-ready, amounts in minor units), frozen when
the event happened: a replayed event produces the same notices, which the ledger then refuses.
"""
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from auction.notifications.kinds import Kind
from streams.events import AuctionClosed, BidAccepted, Outcome
from streams.money import to_minor


@dataclass(frozen=True)
class ItemFacts:
    """What an email says about the item it is about."""

    item_id: str
    seller_id: int
    seller_name: str
    title: str
    image_url: str
    currency: str
    cancel_reason: str = ""


@dataclass(frozen=True)
class Notice:
    recipient_id: int
    kind: Kind
    details: Mapping[str, Any]


def _about(item: ItemFacts) -> dict[str, Any]:
    return {"item_id": item.item_id, "title": item.title, "image_url": item.image_url, "currency": item.currency}


def closing_notices(closed: AuctionClosed, item: ItemFacts, bids: Mapping[int, int]) -> list[Notice]:
    """Everyone who took part hears how it ended, each exactly once.

    `bids` maps every bidder to their highest accepted bid (minor units).
    """
    about = {**_about(item), "outcome": closed.outcome.value}
    others = sorted((bidder, bid) for bidder, bid in bids.items() if bidder not in (closed.winner_id, closed.seller_id))
    if closed.outcome in (Outcome.SOLD, Outcome.BOUGHT_NOW):
        price = closed.final_price.minor
        notices = [
            Notice(closed.winner_id, Kind.WON, {**about, "price": price, "seller_id": closed.seller_id, "seller_name": item.seller_name}),
            Notice(closed.seller_id, Kind.SOLD, {**about, "price": price, "buyer_id": closed.winner_id, "buyer_name": closed.winner_name}),
        ]
        if closed.outcome is Outcome.SOLD:
            notices += [Notice(bidder, Kind.LOST, {**about, "price": price, "your_bid": bid}) for bidder, bid in others]
        return notices
    if closed.outcome is Outcome.CANCELLED:
        reason = {**about, "reason": item.cancel_reason}
        return [Notice(closed.seller_id, Kind.CANCELLED, {**reason, "your_bid": None})] + [
            Notice(bidder, Kind.CANCELLED, {**reason, "your_bid": bid}) for bidder, bid in others
        ]
    high_bid = to_minor(closed.high_bid)
    return [Notice(closed.seller_id, Kind.UNSOLD, {**about, "high_bid": high_bid, "bid_count": closed.bid_count})] + [
        Notice(bidder, Kind.ENDED, {**about, "high_bid": high_bid, "your_bid": bid}) for bidder, bid in others
    ]


def lost_lead(accepted: BidAccepted) -> int | None:
    """Who this bid pushed out of the lead: nobody when the leader raised their own bid or a proxy held."""
    previous = accepted.previous_leader_id
    return previous if previous is not None and previous != accepted.state.leader_id else None


def throttle_allows(last_told_at: datetime | None, at: datetime, throttle: timedelta) -> bool:
    """Whether a bidder told at `last_told_at` may be told again at `at`.

    Times are event times, so a replay decides the same way; a `last_told_at` after `at` (state
    ahead of a replay) never allows, so replays can only say less, never more.
    """
    return last_told_at is None or at >= last_told_at + throttle


def outbid_notice(accepted: BidAccepted, item: ItemFacts, loser_bid: int | None) -> Notice | None:
    """The "you've been outbid" email this bid calls for, before throttling."""
    loser = lost_lead(accepted)
    if loser is None:
        return None
    details = {
        **_about(item),
        "price": to_minor(accepted.state.price),
        "your_bid": loser_bid,
        "ends_at": accepted.state.ends_at.isoformat(),
    }
    return Notice(loser, Kind.OUTBID, details)


def ending_soon_notice(watcher_id: int, item: ItemFacts, price: int, ends_at: datetime) -> Notice | None:
    """A watcher's reminder; sellers watching their own item need none."""
    if watcher_id == item.seller_id:
        return None
    return Notice(watcher_id, Kind.ENDING_SOON, {**_about(item), "price": price, "ends_at": ends_at.isoformat()})
