"""How auctions ended, on `auction.items.complete`: the input of emails, read models and analytics."""
from __future__ import annotations

from enum import StrEnum
from typing import Self

from pydantic import Field, model_validator

from streams.events.base import Event, PersonId, PersonName, Seq, UtcDatetime, Uuid
from streams.money import Money


class Outcome(StrEnum):
    """How an auction ended; only `sold` and `bought_now` have a winner."""

    SOLD = "sold"
    NO_BIDS = "no_bids"
    RESERVE_NOT_MET = "reserve_not_met"
    BOUGHT_NOW = "bought_now"
    CANCELLED = "cancelled"


class AuctionClosed(Event):
    """An auction ended; this is the last event about the item."""

    type = "auction.item.closed.v1"

    item_id: Uuid
    seller_id: PersonId
    outcome: Outcome
    winner_id: PersonId | None = Field(description="null unless sold or bought now")
    winner_name: PersonName | None
    final_price: Money | None = Field(description="What the winner pays; null when nothing was sold")
    high_bid: Money | None = Field(description="Highest bid, also when the reserve was not met")
    bid_count: int = Field(ge=0)
    closed_at: UtcDatetime
    seq: Seq

    @model_validator(mode="after")
    def _winner_iff_sold(self) -> Self:
        has_winner = self.outcome in (Outcome.SOLD, Outcome.BOUGHT_NOW)
        winner_fields = (self.winner_id, self.winner_name, self.final_price)
        if has_winner and None in winner_fields:
            raise ValueError(f"outcome {self.outcome} needs winner_id, winner_name and final_price")
        if not has_winner and winner_fields != (None, None, None):
            raise ValueError(f"outcome {self.outcome} has no winner: winner_id, winner_name and final_price must be null")
        return self
