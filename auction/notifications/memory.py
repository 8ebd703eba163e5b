"""What the notifications processor remembers of open auctions, how each event changes it, and
which emails each event calls for. No I/O: the processor loads a batch's memory (`tracked`),
folds the batch's events through it, and writes back what changed.

Decisions depend only on the events and on the memory they find, and time is event time, so a
replay decides the same (from empty memory) or less (from memory that is already ahead); one event
replayed again later (a dead letter replayed to this processor) decides nothing new and changes
no email: the first listing of an item wins, as in analytics.
"""
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from auction.notifications.audience import ItemFacts, Notice, closing_notices, lost_lead, outbid_notice, throttle_allows
from streams.events import AuctionCancelled, AuctionClosed, BidAccepted, Envelope, ItemListed

TRACKED = (ItemListed, AuctionCancelled, BidAccepted, AuctionClosed)
"""The events that change the memory or call for emails; the others are passed over."""


@dataclass(frozen=True)
class Bidder:
    highest: int
    """Their highest accepted bid, minor units."""
    told_at: datetime | None = None
    """Event time of the last outbid email decided for them on this item."""


@dataclass
class Memory:
    """The open items a batch touches, their bidders, and what changed while the batch was applied."""

    items: dict[str, ItemFacts] = field(default_factory=dict)
    bidders: dict[str, dict[int, Bidder]] = field(default_factory=dict)
    changed_items: set[str] = field(default_factory=set)
    changed_bidders: set[tuple[str, int]] = field(default_factory=set)
    forgotten: set[str] = field(default_factory=set)
    """Items that closed: they leave the memory for good."""

    def remember(self, envelope: Envelope, outbid_throttle: timedelta) -> list[Notice]:
        """Apply one event; returns the emails it calls for."""
        event = envelope.event
        if isinstance(event, ItemListed):
            self._listed(event)
        elif isinstance(event, AuctionCancelled):
            self._cancelled(event)
        elif isinstance(event, BidAccepted):
            return self._accepted(event, outbid_throttle)
        elif isinstance(event, AuctionClosed):
            return self._closed(event)
        return []

    def _listed(self, event: ItemListed) -> None:
        if event.item_id in self.items:
            return  # a listing replayed after later events of its item (a cancellation's reason, say) changes nothing
        self.items[event.item_id] = ItemFacts(
            item_id=event.item_id,
            seller_id=event.seller_id,
            seller_name=event.seller_name,
            title=event.title,
            image_url=event.image_urls[0] if event.image_urls else "",
            currency=event.starting_price.currency,
        )
        self.changed_items.add(event.item_id)

    def _cancelled(self, event: AuctionCancelled) -> None:
        if event.item_id in self.items:
            self.items[event.item_id] = replace(self.items[event.item_id], cancel_reason=event.reason)
            self.changed_items.add(event.item_id)

    def _accepted(self, event: BidAccepted, throttle: timedelta) -> list[Notice]:
        item = self.items.get(event.item_id)
        if item is None:  # its listing never reached this processor: dead-lettered, or older than the log
            return []
        bidders = self.bidders.setdefault(event.item_id, {})
        known = bidders.get(event.bidder_id)
        highest = event.amount.minor if known is None else max(known.highest, event.amount.minor)
        self._set_bidder(event.item_id, event.bidder_id, Bidder(highest, None if known is None else known.told_at))
        loser_id = lost_lead(event)
        loser = bidders.get(loser_id) if loser_id is not None else None
        if loser is None or not throttle_allows(loser.told_at, event.decided_at, throttle):
            return []
        self._set_bidder(event.item_id, loser_id, replace(loser, told_at=event.decided_at))
        return [outbid_notice(event, item, loser.highest)]

    def _closed(self, event: AuctionClosed) -> list[Notice]:
        item = self.items.pop(event.item_id, None)
        bidders = self.bidders.pop(event.item_id, {})
        self.forgotten.add(event.item_id)
        self.changed_items.discard(event.item_id)
        self.changed_bidders = {key for key in self.changed_bidders if key[0] != event.item_id}
        if item is None:
            return []
        return closing_notices(event, item, {bidder: known.highest for bidder, known in bidders.items()})

    def _set_bidder(self, item_id: str, bidder_id: int, bidder: Bidder) -> None:
        self.bidders[item_id][bidder_id] = bidder
        self.changed_bidders.add((item_id, bidder_id))
