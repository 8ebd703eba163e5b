"""Ending-soon reminders: watchers of an item ending within the window get one email, once.

A periodic task over the item read model rather than a stream timer: the window is a setting
that can change, a reminder is never urgent to the second, and a missed sweep is caught by the
next one. The ledger key (the item's reminder, the watcher, the kind) keeps it to one email even
if two sweeps overlap; `Watch.reminded_at` keeps later sweeps from looking at it again.
"""
from datetime import datetime, timedelta

from django.utils import timezone

from auction.catalog.models import Item
from auction.catalog.presentation import shown_photos
from auction.notifications.audience import ItemFacts, ending_soon_notice
from auction.notifications.ledger import notifications_create
from auction.notifications.models import Watch


def reminder_event_id(item_id: object) -> str:
    """The reminder's ledger event id: one reminder per item (and watcher)."""
    return f"ending-soon/{item_id}"


def _facts(item: Item) -> ItemFacts:
    return ItemFacts(
        item_id=str(item.pk),
        seller_id=item.seller_id,
        seller_name=item.seller_name,
        title=item.title,
        image_url=next(iter(shown_photos(item)), ""),
        currency=item.currency,
    )


def reminders_create(*, now: datetime, window: timedelta) -> list[int]:
    """Ledger rows for every watcher not yet reminded of an open item ending within `window`."""
    ending = Item.objects.filter(status=Item.Status.OPEN, ends_at__gt=now, ends_at__lte=now + window)
    watches = Watch.objects.filter(reminded_at=None, item_id__in=ending.values("pk"))
    by_item: dict[object, list[int]] = {}
    seen: list[int] = []
    for watch_id, item_id, user_id in watches.values_list("pk", "item_id", "user_id"):
        by_item.setdefault(item_id, []).append(user_id)
        seen.append(watch_id)
    decided = []
    for item in ending.filter(pk__in=by_item):
        facts = _facts(item)
        price = item.starting_price if item.current_price is None else item.current_price
        for user_id in by_item[item.pk]:
            if notice := ending_soon_notice(user_id, facts, price, item.ends_at):
                decided.append((reminder_event_id(item.pk), notice))
    Watch.objects.filter(pk__in=seen).update(reminded_at=timezone.now())
    return notifications_create(decided)
