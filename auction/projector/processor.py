"""The projector: auction facts → the read models, exactly once (offsets in the same transaction).

Per record it hands the decoded envelope on; per batch (`project`, inside the sink's transaction
with the offsets) it writes what the events change in the read models of catalog (items),
bidding (bids) and staff (private maximums, the audit trail), each through that app's
`projections`. The frequent events are written in bulk rather than one query each: bids placed
and bid decisions are upserted together, and an item's public state is written once per batch,
from its latest accepted bid, which carries all of it (soft-close extensions included). Each
item's listing and public changes are also kept as steps, by seq, for replay (`auction.replay`). The rare
events follow one by one, in log order. Every write is idempotent and the item's state is guarded
by its sequence number, so the order inside a batch matters only in that listings come first:
the updates need their rows. Once the transaction commits it announces what became readable
(`auction.streaming.announcements`), so requests waiting for it wake; a decision comes with the
news a bidder's reply is made of (`auction.bidding.announced`), so that reply reads nothing again.
Everything it writes is derived from the log, so it can be rebuilt (`auction.streaming.rebuild`).
"""
from collections.abc import Sequence

from auction.bidding import projections as bids
from auction.bidding.announced import decision_news
from auction.bidding.models import Bid
from auction.catalog import projections as items
from auction.catalog.models import Item
from auction.replay import projections as replay
from auction.replay.models import Step
from auction.staff import projections as staff
from auction.staff.models import AuditEntry, PlacedBid
from auction.streaming.announcements import announce_on_commit
from auction.streaming.sink import PostgresSink, Tables
from streams.events import AuctionClosed, AuctionExtended, BidAccepted, BidPlaced, BidRejected, Envelope, ItemListed, decode
from streams.runtime.processor import Processor, Record
from streams.topics import BIDS_HISTORY_TOPIC, BIDS_TOPIC, ITEMS_COMPLETE_TOPIC, ITEMS_TOPIC

NAME = "projector"
INPUTS = (ITEMS_TOPIC, BIDS_TOPIC, BIDS_HISTORY_TOPIC, ITEMS_COMPLETE_TOPIC)
TABLES = Tables(derived=(Item, Bid, PlacedBid, AuditEntry, Step))


def handle(record: Record, ctx) -> tuple[Envelope]:
    """Per record: the decoded envelope (the audit trail keeps its id)."""
    return (record.value,)


def project(envelopes: Sequence[Envelope]) -> None:
    """Per batch: the read-model changes the batch's events make."""
    events = [envelope.event for envelope in envelopes]
    for event in events:
        if isinstance(event, ItemListed):
            items.item_listed(event)
    staff.bids_placed([event for event in events if isinstance(event, BidPlaced)])  # the private maximums, for staff
    bids.decisions_record([event for event in events if isinstance(event, (BidAccepted, BidRejected))])
    items.bids_accepted([event for event in events if isinstance(event, BidAccepted)])
    for envelope in envelopes:
        event = envelope.event
        if isinstance(event, AuctionExtended):
            items.auction_extended(event)
        elif isinstance(event, AuctionClosed):
            items.auction_closed(event)
        elif isinstance(event, staff.INTERVENTIONS):  # staff interventions are also the item's audit trail
            staff.intervention(envelope)
    replay.steps_record(envelopes)  # the per-item step index replay folds (docs/explanation/replay.md)
    # AuctionCancelled changes no read model itself: the item changes when the bidding processor closes it.
    announce_on_commit(_readable(events))


def _readable(events: Sequence) -> dict[str, str | None]:
    """What requests may be waiting to read: decisions by bid id, with the news a bidder's reply is made of
    (`auction.bidding.announced`), new and closed items by item id."""
    news = decision_news(events)
    return {
        key: news.get(key)
        for key in (
            str(event.bid_id if isinstance(event, (BidAccepted, BidRejected)) else event.item_id)
            for event in events
            if isinstance(event, (BidAccepted, BidRejected, ItemListed, AuctionClosed))
        )
    }


processor = Processor(
    name=NAME,
    inputs=INPUTS,
    handle=handle,
    decode=decode,
    sink=PostgresSink(NAME, project, TABLES),
)
