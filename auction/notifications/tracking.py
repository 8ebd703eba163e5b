"""What the notifications processor remembers of each open auction, and the emails each event decides.

It applies one event at a time inside the sink's transaction, so its state (items, bidders,
outbid throttles), the ledger rows it adds and the consumed offsets commit together: a crash or
a replay re-applies events to the state they were first applied to, or to later state, which can
only decide the same notices or fewer, and the ledger refuses the ones it has.
"""
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db.models import F, Value
from django.db.models.functions import Greatest

from auction.notifications.audience import ItemFacts, closing_notices, lost_lead, outbid_notice, throttle_allows
from auction.notifications.ledger import notifications_create
from auction.notifications.models import TrackedBidder, TrackedItem
from auction.notifications.tasks import enqueue_on_commit
from streams.events import AuctionCancelled, AuctionClosed, BidAccepted, Envelope, ItemListed

TOPICS = ("auction.items", "auction.bids.history", "auction.items.complete")


def _facts(item: TrackedItem) -> ItemFacts:
    return ItemFacts(
        item_id=str(item.item_id),
        seller_id=item.seller_id,
        seller_name=item.seller_name,
        title=item.title,
        image_url=item.image_url,
        currency=item.currency,
        cancel_reason=item.cancel_reason,
    )


def _notify(event_id: str, notices) -> None:
    enqueue_on_commit(notifications_create(event_id=event_id, notices=notices))


def item_listed(envelope: Envelope) -> None:
    event: ItemListed = envelope.event
    TrackedItem.objects.update_or_create(
        item_id=event.item_id,
        defaults=dict(
            seller_id=event.seller_id,
            seller_name=event.seller_name,
            title=event.title,
            image_url=event.image_urls[0] if event.image_urls else "",
            currency=event.starting_price.currency,
        ),
    )


def auction_cancelled(envelope: Envelope) -> None:
    event: AuctionCancelled = envelope.event
    TrackedItem.objects.filter(item_id=event.item_id).update(cancel_reason=event.reason)


def bid_accepted(envelope: Envelope) -> None:
    event: BidAccepted = envelope.event
    item = TrackedItem.objects.filter(item_id=event.item_id).first()
    if item is None:  # its listing never reached this processor: it was dead-lettered, or older than the log
        return
    bidder, created = TrackedBidder.objects.get_or_create(
        item_id=event.item_id, bidder_id=event.bidder_id, defaults={"highest": event.amount.minor}
    )
    if not created:
        TrackedBidder.objects.filter(pk=bidder.pk).update(highest=Greatest(F("highest"), Value(event.amount.minor)))
    loser_id = lost_lead(event)
    loser = TrackedBidder.objects.filter(item_id=event.item_id, bidder_id=loser_id).first() if loser_id else None
    throttle = timedelta(seconds=settings.NOTIFY_OUTBID_THROTTLE_SECONDS)
    if loser is None or not throttle_allows(loser.outbid_told_at, event.decided_at, throttle):
        return
    notice = outbid_notice(event, _facts(item), loser.highest)
    loser.outbid_told_at = event.decided_at
    loser.save(update_fields=["outbid_told_at"])
    _notify(envelope.id, [notice])


def auction_closed(envelope: Envelope) -> None:
    """The item's last event: everyone hears the outcome, and the item leaves the processor's state."""
    event: AuctionClosed = envelope.event
    item = TrackedItem.objects.filter(item_id=event.item_id).first()
    if item is None:  # its listing never reached this processor (see `bid_accepted`)
        return
    bidders = TrackedBidder.objects.filter(item_id=event.item_id)
    _notify(envelope.id, closing_notices(event, _facts(item), dict(bidders.values_list("bidder_id", "highest"))))
    bidders.delete()
    TrackedItem.objects.filter(item_id=event.item_id).delete()


APPLY: dict[type, Callable[[Envelope], None]] = {
    ItemListed: item_listed,
    AuctionCancelled: auction_cancelled,
    BidAccepted: bid_accepted,
    AuctionClosed: auction_closed,
}


def track(envelope: Envelope) -> None:
    """The sink's apply: the event's state change and notices, in the sink's transaction."""
    apply = APPLY.get(type(envelope.event))
    if apply is not None:
        apply(envelope)
