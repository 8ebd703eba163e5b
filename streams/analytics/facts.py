"""The facts analytics keeps from the auction events, each stamped with its event time (`at`).

Event time is the time a fact happened, carried in the event itself, never the time it was
read: a listing's start, a bid's decision, an auction's close. An extension carries no time
of its own, so it takes its CloudEvents `time` (set once by the bidding processor and kept
through replays). Amounts are integer minor units of `currency`. Facts are named tuples: the
processor makes one for every record it reads and for every stored one it reads back, and a
tuple is built in C (and its fields are its columns, in order).
"""
from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from streams.events import AuctionClosed, AuctionExtended, BidAccepted, Envelope, ItemListed
from streams.money import to_minor


class Listing(NamedTuple):
    item_id: str
    seller_id: int
    seller_name: str
    title: str
    category: str
    currency: str
    starting_price: int
    reserve_price: int | None
    buy_now_price: int | None
    at: datetime
    ends_at: datetime


class AcceptedBid(NamedTuple):
    """An accepted bid: `amount` is what the bidder offered, `price` the item's price after it."""

    bid_id: str
    item_id: str
    bidder_id: int
    bidder_name: str
    amount: int
    price: int
    currency: str
    at: datetime


class Extension(NamedTuple):
    event_id: str
    item_id: str
    ends_at: datetime
    at: datetime


class Close(NamedTuple):
    item_id: str
    seller_id: int
    outcome: str
    winner_id: int | None
    final_price: int | None
    high_bid: int | None
    bid_count: int
    at: datetime


Fact = Listing | AcceptedBid | Extension | Close
Windowed = AcceptedBid | Close
"""Facts that fall into time windows, so they are judged against the watermark."""


def fact_of(envelope: Envelope) -> Fact | None:
    """The fact an event contributes; None for events analytics does not measure (rejections, cancellations)."""
    event = envelope.event
    if isinstance(event, BidAccepted):
        return AcceptedBid(
            bid_id=event.bid_id,
            item_id=event.item_id,
            bidder_id=event.bidder_id,
            bidder_name=event.bidder_name,
            amount=event.amount.minor,
            price=event.state.price.minor,  # an accepted bid always leaves a price
            currency=event.amount.currency,
            at=event.decided_at,
        )
    if isinstance(event, ItemListed):
        return Listing(
            item_id=event.item_id,
            seller_id=event.seller_id,
            seller_name=event.seller_name,
            title=event.title,
            category=event.category,
            **event.prices_in_minor_units(),
            at=event.starts_at,
            ends_at=event.ends_at,
        )
    if isinstance(event, AuctionClosed):
        return Close(
            item_id=event.item_id,
            seller_id=event.seller_id,
            outcome=event.outcome.value,
            winner_id=event.winner_id,
            final_price=to_minor(event.final_price),
            high_bid=to_minor(event.high_bid),
            bid_count=event.bid_count,
            at=event.closed_at,
        )
    if isinstance(event, AuctionExtended):
        return Extension(event_id=envelope.id, item_id=event.item_id, ends_at=event.ends_at, at=envelope.time)
    return None
