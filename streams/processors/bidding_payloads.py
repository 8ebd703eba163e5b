"""BidAccepted and BidRejected, the processor's answer to nearly every record, as JSON bytes.

Building the pydantic event (validating an `AuctionState` and two or three `Money` on the way) and
serializing it took several times longer than the engine's decision. These functions write the
same bytes straight from the engine's facts with orjson: the fields of `bidding_translate`'s
`accepted_event` and `rejected_event`, in the models' order, datetimes in UTC with `Z`. The unit
tests hold them to those events byte for byte over random auctions, and to the models' own
validation, so a consumer cannot tell them apart. The rarer events keep going through
`bidding_translate` and pydantic.
"""
from __future__ import annotations

from datetime import datetime, timezone

import orjson

from streams import bidding
from streams.events import BidPlaced
from streams.money import Money

_OPTIONS = orjson.OPT_UTC_Z


def _money(minor: int | None, currency: str) -> dict | None:
    return None if minor is None else {"minor": minor, "currency": currency}


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is timezone.utc else moment.astimezone(timezone.utc)


def _state(view: bidding.PublicView, currency: str) -> dict:
    return {
        "price": _money(view.price, currency),
        "leader_id": view.leader_id,
        "leader_name": view.leader_name,
        "bid_count": view.bid_count,
        "reserve_met": view.reserve_met,
        "ends_at": _utc(view.ends_at),
        "buy_now_available": view.buy_now_available,
        "seq": view.seq,
    }


def accepted_json(bid: BidPlaced, decision: bidding.Accepted, decided_at: datetime) -> bytes:
    """`bidding_translate.accepted_event(bid, decision, decided_at)`, serialized."""
    amount = bid.amount
    return orjson.dumps(
        {
            "bid_id": bid.bid_id,
            "item_id": bid.item_id,
            "bidder_id": bid.bidder_id,
            "bidder_name": bid.bidder_name,
            "amount": {"minor": amount.minor, "currency": amount.currency},
            "previous_leader_id": decision.previous_leader_id,
            "state": _state(decision.view, amount.currency),
            "decided_at": _utc(decided_at),
        },
        option=_OPTIONS,
    )


def rejected_json(
    *, request_id: str, item_id: str, bidder_id: int, amount: Money | None, decision: bidding.Rejected,
    state: bidding.PrivateAuctionState | None, decided_at: datetime,
) -> bytes:
    """`bidding_translate.rejected_event(...)` with the same arguments, serialized."""
    currency = state.terms.currency if state else None
    return orjson.dumps(
        {
            "bid_id": request_id,
            "item_id": item_id,
            "bidder_id": bidder_id,
            "amount": None if amount is None else {"minor": amount.minor, "currency": amount.currency},
            "reason_code": decision.reason_code.value,
            "reason": decision.message,
            "minimum": _money(decision.minimum, currency) if currency else None,
            "state": _state(bidding.public_view(state), currency) if state else None,
            "decided_at": _utc(decided_at),
        },
        option=_OPTIONS,
    )
