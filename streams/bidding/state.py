"""What the bidding processor remembers per item, as immutable values.

The processor keeps one `PrivateAuctionState` per item in a changelogged state store, so every type
here converts to and from a JSON-able dict. Amounts are integer minor units of the item's
currency. The state holds private values (the leader's maximum, the runner-up's maximum, the
reserve): only `streams.bidding.view.public_view` decides what leaves the processor. It is
`PrivateAuctionState` so as not to be confused with `streams.events.AuctionState`, the public
state a decision event carries.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from streams.bidding.increments import minimum_next_bid
from streams.events.outcomes import Outcome  # the published enum serves the engine too: one list of outcomes

DEFAULT_EXTENSION_WINDOW_SECONDS = 120
DEFAULT_EXTENSION_CAP_SECONDS = 1800


class Status(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


def _aware(moment: datetime, name: str) -> datetime:
    """Naive datetimes would compare wrongly against the processor's clock, so refuse them."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must carry a time zone (UTC), got {moment!r}")
    return moment


def _optional_int(value: Any) -> int | None:
    return None if value is None else int(value)


@dataclass(frozen=True, slots=True)
class ItemTerms:
    """The seller's terms, fixed at listing time; `ends_at` is the original end."""

    item_id: str
    seller_id: int
    currency: str
    starting_price: int
    ends_at: datetime
    reserve_price: int | None = None
    buy_now_price: int | None = None
    extension_window_seconds: int = DEFAULT_EXTENSION_WINDOW_SECONDS
    extension_cap_seconds: int = DEFAULT_EXTENSION_CAP_SECONDS

    def __post_init__(self) -> None:
        # Terms that would break the engine's invariants (a buy-now price below the current
        # price, a price under the start) are refused here rather than patched per bid.
        _aware(self.ends_at, "ends_at")
        if self.starting_price <= 0:
            raise ValueError(f"the starting price must be positive, got {self.starting_price}")
        if self.reserve_price is not None and self.reserve_price < self.starting_price:
            raise ValueError("the reserve price cannot be below the starting price")
        floor = self.starting_price if self.reserve_price is None else self.reserve_price
        if self.buy_now_price is not None and self.buy_now_price < floor:
            raise ValueError("the buy-now price cannot be below the starting or reserve price")
        if self.extension_window_seconds < 0 or self.extension_cap_seconds < 0:
            raise ValueError("soft-close window and cap cannot be negative")

    def to_dict(self) -> dict[str, Any]:
        return {
            "item_id": self.item_id,
            "seller_id": self.seller_id,
            "currency": self.currency,
            "starting_price": self.starting_price,
            "ends_at": self.ends_at.isoformat(),
            "reserve_price": self.reserve_price,
            "buy_now_price": self.buy_now_price,
            "extension_window_seconds": self.extension_window_seconds,
            "extension_cap_seconds": self.extension_cap_seconds,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ItemTerms:
        return cls(
            item_id=str(data["item_id"]),
            seller_id=int(data["seller_id"]),
            currency=str(data["currency"]),
            starting_price=int(data["starting_price"]),
            ends_at=datetime.fromisoformat(data["ends_at"]),
            reserve_price=_optional_int(data.get("reserve_price")),
            buy_now_price=_optional_int(data.get("buy_now_price")),
            extension_window_seconds=int(data["extension_window_seconds"]),
            extension_cap_seconds=int(data["extension_cap_seconds"]),
        )


@dataclass(frozen=True, slots=True)
class LeadingBid:
    """The bid holding the lead; `max_amount` is private and grows when the leader raises it."""

    bid_id: str
    bidder_id: int
    bidder_name: str
    amount: int
    max_amount: int
    placed_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "bid_id": self.bid_id,
            "bidder_id": self.bidder_id,
            "bidder_name": self.bidder_name,
            "amount": self.amount,
            "max_amount": self.max_amount,
            "placed_at": self.placed_at.isoformat(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LeadingBid:
        return cls(
            bid_id=str(data["bid_id"]),
            bidder_id=int(data["bidder_id"]),
            bidder_name=str(data["bidder_name"]),
            amount=int(data["amount"]),
            max_amount=int(data["max_amount"]),
            placed_at=datetime.fromisoformat(data["placed_at"]),
        )


@dataclass(frozen=True, slots=True)
class PrivateAuctionState:
    """One item's auction; `seq` counts public changes so live clients can detect gaps.

    `runner_up_max` is the highest maximum of any accepted bid that is not the leader's: it is
    all proxy pricing needs to know about the losers.
    """

    terms: ItemTerms
    ends_at: datetime
    status: Status = Status.OPEN
    outcome: Outcome | None = None
    leader: LeadingBid | None = None
    runner_up_max: int | None = None
    price: int | None = None
    bid_count: int = 0
    seq: int = 0

    @property
    def reserve_met(self) -> bool | None:
        """None when there is no reserve, so the public can tell "no reserve" from "not met"."""
        reserve = self.terms.reserve_price
        if reserve is None:
            return None
        return self.leader is not None and self.leader.max_amount >= reserve

    @property
    def buy_now_available(self) -> bool:
        """Until the first bid, or with a reserve until the reserve is met."""
        if self.status is not Status.OPEN or self.terms.buy_now_price is None:
            return False
        if self.terms.reserve_price is None:
            return self.bid_count == 0
        return not self.reserve_met

    @property
    def minimum_next_bid(self) -> int:
        return minimum_next_bid(self.terms.starting_price, self.price)

    def to_dict(self) -> dict[str, Any]:
        return {
            "terms": self.terms.to_dict(),
            "ends_at": self.ends_at.isoformat(),
            "status": self.status.value,
            "outcome": None if self.outcome is None else self.outcome.value,
            "leader": None if self.leader is None else self.leader.to_dict(),
            "runner_up_max": self.runner_up_max,
            "price": self.price,
            "bid_count": self.bid_count,
            "seq": self.seq,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PrivateAuctionState:
        return cls(
            terms=ItemTerms.from_dict(data["terms"]),
            ends_at=_aware(datetime.fromisoformat(data["ends_at"]), "ends_at"),
            status=Status(data["status"]),
            outcome=None if data["outcome"] is None else Outcome(data["outcome"]),
            leader=None if data["leader"] is None else LeadingBid.from_dict(data["leader"]),
            runner_up_max=_optional_int(data["runner_up_max"]),
            price=_optional_int(data["price"]),
            bid_count=int(data["bid_count"]),
            seq=int(data["seq"]),
        )
