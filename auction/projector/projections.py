"""Which read-model change each event makes: the projector's whole logic, for one batch at a time.

A batch commits in one transaction (with its offsets), and the frequent events are written in
bulk rather than one query each: bids placed and bid decisions are upserted together, and an
item's public state is written once per batch, from its latest accepted bid, which carries all
of it (soft-close extensions included). The rare events follow one by one, in log order.
Every write is idempotent and the item's state is guarded by its sequence number, so the
order inside a batch matters only in that listings come first: the updates need their rows.
"""
from collections.abc import Sequence

from auction.bidding import projections as bids
from auction.catalog import projections as items
from auction.staff import projections as staff
from streams.events import AuctionClosed, AuctionExtended, BidAccepted, BidPlaced, BidRejected, Envelope, ItemListed

TOPICS = ("auction.items", "auction.bids", "auction.bids.history", "auction.items.complete")
# AuctionCancelled changes no read model itself: the item changes when the bidding processor closes it.


def project(envelopes: Sequence[Envelope]) -> None:
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
