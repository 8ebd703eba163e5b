"""Every event class by its CloudEvents type: how a consumer turns `ce_type` into a schema."""
from __future__ import annotations

from streams.events.base import Event
from streams.events.bids import BidPlaced, BuyNowRequested
from streams.events.decisions import AuctionExtended, BidAccepted, BidRejected
from streams.events.items import AuctionCancelled, ItemListed
from streams.events.outcomes import AuctionClosed
from streams.events.staff import AuctionEndRequested, AuctionExtensionRequested

ALL_EVENTS: tuple[type[Event], ...] = (
    ItemListed,
    AuctionCancelled,
    AuctionEndRequested,
    AuctionExtensionRequested,
    BidPlaced,
    BuyNowRequested,
    BidAccepted,
    BidRejected,
    AuctionExtended,
    AuctionClosed,
)

EVENT_TYPES: dict[str, type[Event]] = {event_class.type: event_class for event_class in ALL_EVENTS}
