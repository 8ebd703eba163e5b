"""The notifications processor's memory in PostgreSQL (`TrackedItem`, `TrackedBidder`): a batch's items loaded, what changed stored.

Two queries load what is remembered of a batch's items, and one statement per table and kind of
change writes back what the batch changed, so a batch costs a handful of queries however many
events it holds. The processor calls both inside its sink's transaction.
"""
from collections.abc import Collection

from auction.notifications.audience import ItemFacts
from auction.notifications.memory import Bidder, Memory
from auction.notifications.models import TrackedBidder, TrackedItem

ITEM_FIELDS = ("seller_id", "seller_name", "title", "image_url", "currency", "cancel_reason")


def memory_load(item_ids: Collection[str]) -> Memory:
    memory = Memory()
    for row in TrackedItem.objects.filter(item_id__in=item_ids):
        memory.items[str(row.item_id)] = ItemFacts(item_id=str(row.item_id), **{name: getattr(row, name) for name in ITEM_FIELDS})
    for row in TrackedBidder.objects.filter(item_id__in=item_ids):
        memory.bidders.setdefault(str(row.item_id), {})[row.bidder_id] = Bidder(row.highest, row.outbid_told_at)
    return memory


def memory_store(memory: Memory) -> None:
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
