"""The notifications processor's sink side: a whole batch of events, in the sink's transaction.

It loads what it remembers of the batch's items, folds the events through that memory (pure, see
`memory`), writes back what changed, and adds the decided emails to the ledger; the offsets commit
in the same transaction (`BatchPostgresSink`). A batch costs a handful of queries however many events
it holds, so the processor keeps up with the bid history and replays it quickly.
"""
from collections.abc import Collection, Sequence
from datetime import timedelta

from django.conf import settings

from auction.notifications.audience import ItemFacts
from auction.notifications.ledger import notifications_create
from auction.notifications.memory import TRACKED, Bidder, Memory
from auction.notifications.models import TrackedBidder, TrackedItem
from auction.notifications.tasks import enqueue_on_commit
from streams.events import Envelope

TOPICS = ("auction.items", "auction.bids.history", "auction.items.complete")
ITEM_FIELDS = ("seller_id", "seller_name", "title", "image_url", "currency", "cancel_reason")


def track(envelopes: Sequence[Envelope]) -> None:
    """The sink's `apply_batch`: the whole batch, inside the transaction that stores its offsets."""
    tracked = [envelope for envelope in envelopes if isinstance(envelope.event, TRACKED)]
    if not tracked:
        return
    memory = _recall({envelope.event.item_id for envelope in tracked})
    throttle = timedelta(seconds=settings.NOTIFY_OUTBID_THROTTLE_SECONDS)
    decided = [(envelope.id, notice) for envelope in tracked for notice in memory.remember(envelope, throttle)]
    _keep(memory)
    enqueue_on_commit(notifications_create(decided))


def _recall(item_ids: Collection[str]) -> Memory:
    memory = Memory()
    for row in TrackedItem.objects.filter(item_id__in=item_ids):
        memory.items[str(row.item_id)] = ItemFacts(item_id=str(row.item_id), **{name: getattr(row, name) for name in ITEM_FIELDS})
    for row in TrackedBidder.objects.filter(item_id__in=item_ids):
        memory.bidders.setdefault(str(row.item_id), {})[row.bidder_id] = Bidder(row.highest, row.outbid_told_at)
    return memory


def _keep(memory: Memory) -> None:
    """Write back what the batch changed: one statement per table and kind of change."""
    if memory.forgotten:
        TrackedBidder.objects.filter(item_id__in=memory.forgotten).delete()
        TrackedItem.objects.filter(item_id__in=memory.forgotten).delete()
    TrackedItem.objects.bulk_create(
        [
            TrackedItem(item_id=item_id, **{name: getattr(memory.items[item_id], name) for name in ITEM_FIELDS})
            for item_id in memory.changed_items
        ],
        update_conflicts=True,
        unique_fields=["item_id"],
        update_fields=list(ITEM_FIELDS),
    )
    bidders = []
    for item_id, bidder_id in memory.changed_bidders:
        known = memory.bidders[item_id][bidder_id]
        bidders.append(TrackedBidder(item_id=item_id, bidder_id=bidder_id, highest=known.highest, outbid_told_at=known.told_at))
    TrackedBidder.objects.bulk_create(
        bidders, update_conflicts=True, unique_fields=["item_id", "bidder_id"], update_fields=["highest", "outbid_told_at"]
    )
