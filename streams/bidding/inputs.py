"""What the engine is asked to judge, in the engine's terms (integer minor units).

The processor builds these from `BidPlaced` / `BuyNowRequested` events; keeping them free of
the event schemas lets the engine be tested and reasoned about on its own.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class BidRequest:
    """A bid of `amount`, optionally with a private `max_amount` for proxy bidding."""

    bid_id: str
    item_id: str
    bidder_id: int
    bidder_name: str
    amount: int
    currency: str
    placed_at: datetime
    max_amount: int | None = None

    @property
    def ceiling(self) -> int:
        """The most this bid commits to: its maximum, or the amount when it gave none."""
        return self.amount if self.max_amount is None else self.max_amount


@dataclass(frozen=True, slots=True)
class BuyNowRequest:
    request_id: str
    item_id: str
    buyer_id: int
    buyer_name: str
    requested_at: datetime
