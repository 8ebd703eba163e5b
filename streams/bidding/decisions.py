"""The facts the engine reports; the processor turns each into an event.

Each fact that changes public state carries the `seq` it produced, so events built from them
are numbered without the processor doing arithmetic of its own.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from streams.bidding.state import Outcome
from streams.bidding.view import PublicView
from streams.events.decisions import RejectReason  # the published codes are the engine's: one list


@dataclass(frozen=True, slots=True)
class Extended:
    """Soft close moved the end; `seq` follows the accepted bid that caused it."""

    item_id: str
    previous_ends_at: datetime
    ends_at: datetime
    seq: int


@dataclass(frozen=True, slots=True)
class Accepted:
    """A bid was accepted.

    `view` is the public state right after the bid (before any extension, which is its own
    change with its own seq). `outbid_immediately` means the bid raised the price but an
    earlier maximum still leads.
    """

    previous_leader_id: int | None
    outbid_immediately: bool
    view: PublicView
    extended: Extended | None


@dataclass(frozen=True, slots=True)
class Rejected:
    """A request was refused; `minimum` is the lowest acceptable amount when one exists."""

    reason_code: RejectReason
    message: str
    minimum: int | None = None


@dataclass(frozen=True, slots=True)
class Closed:
    """The auction ended. `high_bid` is the public price bidding reached (None without bids)."""

    item_id: str
    seller_id: int
    outcome: Outcome
    winner_id: int | None
    winner_name: str | None
    final_price: int | None
    high_bid: int | None
    bid_count: int
    closed_at: datetime
    seq: int
