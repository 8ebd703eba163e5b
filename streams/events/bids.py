"""Bidders' requests, produced by the web tier on `auction.bids`.

They are facts about what a person asked for, not decisions: the bidding processor decides
and answers on `auction.bids.history`. Buy-now requests share the topic so they are ordered
with the bids on the same item.
"""
from __future__ import annotations

from pydantic import Field

from streams.events.base import Event, PersonId, PersonName, UtcDatetime, Uuid
from streams.money import Money


class BidEvent(Event):
    """What the events about one bid state first: the bid, its item, its bidder and the amount offered.

    `BidPlaced` states them and `BidAccepted` repeats them; not an event type of its own.
    """

    bid_id: Uuid
    item_id: Uuid
    bidder_id: PersonId
    bidder_name: PersonName = Field(min_length=1)
    amount: Money

    def bid_fields(self) -> dict[str, object]:
        """This event's `BidEvent` fields, for the next event about the same bid to repeat."""
        return {name: getattr(self, name) for name in BidEvent.model_fields}


class BidPlaced(BidEvent):
    """A bidder offered an amount, optionally with a higher maximum for proxy bidding."""

    type = "auction.bid.placed.v1"

    max_amount: Money | None = Field(default=None, description="Proxy bidding ceiling; null = bid exactly amount")
    client_time: UtcDatetime | None = Field(default=None, description="Bidder's clock, for diagnostics only")
    placed_at: UtcDatetime = Field(description="When the web tier accepted the request")


class BuyNowRequested(Event):
    """A buyer asked to end the auction at its buy-now price."""

    type = "auction.bid.buy-now-requested.v1"

    request_id: Uuid
    item_id: Uuid
    buyer_id: PersonId
    buyer_name: PersonName = Field(min_length=1)
    requested_at: UtcDatetime
