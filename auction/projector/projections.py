"""Which read-model change each event makes: the projector's whole logic, in one table."""
from collections.abc import Callable

from auction.bidding import projections as bids
from auction.catalog import projections as items
from streams.events import (
    AuctionCancelled,
    AuctionClosed,
    AuctionExtended,
    BidAccepted,
    BidRejected,
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
}

TOPICS = ("auction.items", "auction.bids.history", "auction.items.complete")


def project(event: Event) -> None:
    for apply in PROJECTIONS.get(type(event), ()):
        apply(event)
