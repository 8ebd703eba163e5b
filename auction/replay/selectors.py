"""Reads of the step index: an item's steps in the engine's terms, its state at an instant, its timeline.

Two indexed reads per item (its steps by (item, seq), its placed bids by item), then the pure
fold of `streams.bidding.as_of`: no state is stored besides the log's steps.
"""
import uuid
from dataclasses import dataclass
from datetime import datetime

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


def item_log(*, item_id: uuid.UUID) -> ItemLog | None:
    """None when the listing is not in the index (yet). Steps stop before a bid whose request is not projected yet."""
    rows = list(Step.objects.filter(item_id=item_id).order_by("seq").values_list("seq", "kind", "at", "bid_id", "data"))
    if not rows or rows[0][1] != Step.Kind.LISTED:
        return None
    terms = ItemTerms.from_dict(rows[0][4])
    placed = {
        row[0]: row
        for row in PlacedBid.objects.filter(item_id=item_id).values_list(
            "bid_id", "bidder_id", "bidder_name", "amount", "max_amount", "currency", "placed_at"
        )
    }
    steps: list[replay.Step] = []
    for seq, kind, at, bid_id, data in rows[1:]:
        if kind == Step.Kind.BID:
            request = placed.get(bid_id)
            if request is None:
                break
            _, bidder_id, bidder_name, amount, max_amount, currency, placed_at = request
            bid = BidRequest(str(bid_id), terms.item_id, bidder_id, bidder_name, amount, currency, placed_at, max_amount)
            steps.append(BidStep(seq, bid, at))
        elif kind == Step.Kind.EXTENDED:
            steps.append(ExtensionStep(seq, datetime.fromisoformat(data["ends_at"]), at))
        else:
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
