"""Event contracts: versioned payload schemas and their CloudEvents Kafka encoding."""
from streams.events.base import Event
from streams.events.bids import BidPlaced, BuyNowRequested
from streams.events.decisions import AuctionExtended, AuctionState, BidAccepted, BidRejected, RejectReason
from streams.events.envelope import EncodedRecord, Envelope, InvalidEvent, decode, encode, encode_json
from streams.events.items import AuctionCancelled, ItemListed
from streams.events.outcomes import AuctionClosed, Outcome
from streams.events.registry import ALL_EVENTS, EVENT_TYPES
from streams.events.staff import AuctionEndRequested, AuctionExtensionRequested

__all__ = [
    "ALL_EVENTS",
    "EVENT_TYPES",
    "AuctionCancelled",
    "AuctionClosed",
    "AuctionEndRequested",
    "AuctionExtended",
    "AuctionExtensionRequested",
    "AuctionState",
    "BidAccepted",
    "BidPlaced",
    "BidRejected",
    "BuyNowRequested",
    "EncodedRecord",
    "Envelope",
    "Event",
    "InvalidEvent",
    "ItemListed",
    "Outcome",
    "RejectReason",
    "decode",
    "encode",
    "encode_json",
]
