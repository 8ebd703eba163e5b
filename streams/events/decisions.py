"""The bidding processor's decisions, on `auction.bids.history`.

Each decision carries the item's resulting `AuctionState` with a per-item sequence number,
so live views can apply it directly and detect a gap they must resync from.
"""
from __future__ import annotations

from enum import StrEnum
from typing import Self

from pydantic import Field, model_validator

from streams.events.base import Event, Payload, PersonId, PersonName, Seq, UtcDatetime, Uuid, is_after
from streams.events.bids import BidEvent
from streams.money import Money


class AuctionState(Payload):
    """The public state of one auction right after a decision."""

    price: Money | None = Field(description="Current price; null = no bid yet")
    leader_id: PersonId | None
    leader_name: PersonName | None
    bid_count: int = Field(ge=0)
    reserve_met: bool | None = Field(description="null = the item has no reserve")
    ends_at: UtcDatetime = Field(description="Current end, including soft-close extensions")
    buy_now_available: bool
    seq: Seq


class BidAccepted(BidEvent):
    """A bid was valid; `state` shows who leads now (with proxy bidding it may not be the bidder)."""

    type = "auction.bid.accepted.v1"

    previous_leader_id: PersonId | None = Field(description="Who led before this bid, to tell them they were outbid")
    state: AuctionState
    decided_at: UtcDatetime


class RejectReason(StrEnum):
    """Why a bid was refused; stable codes for programs, `BidRejected.reason` is for people."""

    BELOW_MINIMUM = "below_minimum"
    OWN_ITEM = "own_item"
    UNKNOWN_ITEM = "unknown_item"
    CLOSED = "closed"
    CANCELLED = "cancelled"
    INVALID_AMOUNT = "invalid_amount"
    CURRENCY_MISMATCH = "currency_mismatch"
    BUY_NOW_UNAVAILABLE = "buy_now_unavailable"


class BidRejected(Event):
    """A bid was refused; the bidder is told why and, when it helps, the minimum to beat."""

    type = "auction.bid.rejected.v1"

    bid_id: Uuid
    item_id: Uuid
    bidder_id: PersonId
    amount: Money | None = Field(description="The refused bid's amount; null for a buy-now request")
    reason_code: RejectReason
    reason: str = Field(min_length=1, description="Explanation a person understands")
    minimum: Money | None = Field(description="Lowest acceptable bid; null when no bid can succeed")
    state: AuctionState | None = Field(
        description="null when the processor keeps no state of the item: unknown, or closed long ago"
    )
    decided_at: UtcDatetime


class AuctionExtended(Event):
    """A late bid pushed the end of the auction out (soft close)."""

    type = "auction.item.extended.v1"

    item_id: Uuid
    previous_ends_at: UtcDatetime
    ends_at: UtcDatetime
    seq: Seq

    @model_validator(mode="after")
    def _later(self) -> Self:
        is_after(self.ends_at, self.previous_ends_at, "ends_at")
        return self
