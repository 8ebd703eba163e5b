"""Which read-model change each event makes: the projector's whole logic, in one table."""
from collections.abc import Callable

from auction.bidding import projections as bids
from auction.catalog import projections as items
from auction.staff import projections as staff
from streams.events import (
    AuctionCancelled,
    AuctionClosed,
    AuctionExtended,
    BidAccepted,
    BidPlaced,
    BidRejected,
    Envelope,
    Event,
    ItemListed,
)

PROJECTIONS: dict[type[Event], tuple[Callable, ...]] = {
    ItemListed: (items.item_listed,),
    AuctionCancelled: (),  # the item changes when the bidding processor closes it (AuctionClosed)
    BidAccepted: (bids.bid_accepted, items.bid_accepted),
    BidRejected: (bids.bid_rejected,),
    AuctionExtended: (items.auction_extended,),
    AuctionClosed: (items.auction_closed,),
    BidPlaced: (staff.bid_placed,),  # the private maximums, for staff
}

TOPICS = ("auction.items", "auction.bids", "auction.bids.history", "auction.items.complete")


def project(envelope: Envelope) -> None:
    """Staff interventions also become the item's audit trail, which needs the envelope's id and time."""
    event = envelope.event
    for apply in PROJECTIONS.get(type(event), ()):
        apply(event)
    if isinstance(event, staff.INTERVENTIONS):
        staff.intervention(envelope)
