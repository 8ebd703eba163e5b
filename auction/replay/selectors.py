"""Reads of the step index: an item's steps in the engine's terms, its state at an instant, its timeline.

One indexed read per item (its steps by (item, seq), joined to its placed bids), then the pure
fold of `streams.bidding.as_of`: no state is stored besides the log's steps.
"""
import json
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db import connection

from auction.replay.models import Step
from auction.staff.models import PlacedBid
from streams.bidding import BidRequest, ItemTerms, Outcome
from streams.bidding import as_of as replay
from streams.bidding.as_of import AsOf, BidStep, CloseStep, ExtensionStep


@dataclass(frozen=True)
class ItemLog:
    """An item's terms, the start of its listing and its steps so far, in the engine's terms."""

    terms: ItemTerms
    listed_at: datetime
    steps: list[replay.Step]


_STEPS = f"""
    SELECT s.seq, s.kind, s.at, s.data, s.bid_id::text, p.bidder_id, p.bidder_name, p.amount, p.max_amount, p.currency, p.placed_at
    FROM {Step._meta.db_table} s LEFT JOIN {PlacedBid._meta.db_table} p ON p.bid_id = s.bid_id
    WHERE s.item_id = %s ORDER BY s.seq
"""
"""An item's steps by (item, seq), each bid's with its request as placed: one indexed read."""


def _json(data: str | dict) -> dict:
    """Django has psycopg hand jsonb over as text on a raw cursor: parsed only for the rows that need it."""
    return json.loads(data) if isinstance(data, str) else data


def item_log(*, item_id: uuid.UUID) -> ItemLog | None:
    """None when the listing is not in the index (yet). Steps stop before a bid whose request is not projected yet."""
    with connection.cursor() as cursor:
        cursor.execute(_STEPS, [item_id])
        rows = cursor.fetchall()
    if not rows or rows[0][1] != Step.Kind.LISTED:
        return None
    terms = ItemTerms.from_dict(_json(rows[0][3]))
    steps: list[replay.Step] = []
    for seq, kind, at, data, bid_id, bidder_id, bidder_name, amount, max_amount, currency, placed_at in rows[1:]:
        if kind == Step.Kind.BID:
            if placed_at is None:
                break
            bid = BidRequest(bid_id, terms.item_id, bidder_id, bidder_name, amount, currency, placed_at, max_amount)
            steps.append(BidStep(seq, bid, at))
        elif kind == Step.Kind.EXTENDED:
            data = _json(data)
            steps.append(ExtensionStep(seq, datetime.fromisoformat(data["ends_at"]), at))
        else:
            data = _json(data)
            steps.append(CloseStep(seq, Outcome(data["outcome"]), at, data["winner_id"], data["winner_name"]))
    return ItemLog(terms=terms, listed_at=rows[0][2], steps=steps)


def item_as_of(*, item_id: uuid.UUID, at: datetime) -> AsOf | None:
    """The item's public state at `at`; None before its listing or when it is not listed.

    Raises `streams.bidding.as_of.ReplayMismatch` if the engine would not take a logged step."""
    log = item_log(item_id=item_id)
    return None if log is None else replay.as_of(log.terms, log.listed_at, log.steps, at)


def item_timeline(*, item_id: uuid.UUID) -> tuple[datetime, replay.Timeline] | None:
    """When the item was listed, and every public change since with its public bid history; None when it is not listed."""
    log = item_log(item_id=item_id)
    return None if log is None else (log.listed_at, replay.timeline(log.terms, log.listed_at, log.steps))
