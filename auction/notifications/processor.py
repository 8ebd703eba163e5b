"""The notifications processor: auction facts → email jobs in the ledger, exactly once (offsets in the same transaction).

It reads the listing, the bid decisions and the outcomes of every item (co-partitioned, merged in
timestamp order). Per record it hands the decoded envelope on; per batch (`track`, inside the
sink's transaction with the offsets) it loads what it remembers of the batch's items (`tracked`),
folds the events through that memory, which decides the emails (`memory`, `audience`: pure),
stores what changed, adds the emails to the ledger (`ledger`: once per event, recipient and kind)
and leaves sending to Celery, queued after the commit (`tasks`).

Its memory is derived from the log, but the ledger holds what the log does not: which emails were
decided and sent. So it is never rebuilt: emptying the ledger would send every email again, and
replaying into a kept ledger would add, and send now, the emails that were dropped when they
were decided (to people who had no address then, or had turned them off) about auctions long over.
"""
from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings

from auction.notifications.ledger import notifications_create
from auction.notifications.memory import TRACKED
from auction.notifications.models import Notification, TrackedBidder, TrackedItem
from auction.notifications.tasks import enqueue_on_commit
from auction.notifications.tracked import memory_load, memory_store
from auction.streaming.sink import PostgresSink, Tables
from streams.events import Envelope, decode
from streams.runtime.processor import Processor, Record
from streams.topics import BIDS_HISTORY_TOPIC, ITEMS_COMPLETE_TOPIC, ITEMS_TOPIC

NAME = "notifications"
INPUTS = (ITEMS_TOPIC, BIDS_HISTORY_TOPIC, ITEMS_COMPLETE_TOPIC)
TABLES = Tables(derived=(TrackedItem, TrackedBidder), kept=(Notification,))


def handle(record: Record, ctx) -> tuple[Envelope]:
    """Per record: the whole envelope, not just the event: its id is the ledger key's event id."""
    return (record.value,)


def track(envelopes: Sequence[Envelope]) -> None:
    """Per batch: remember the events, and add the emails they call for to the ledger."""
    tracked = [envelope for envelope in envelopes if isinstance(envelope.event, TRACKED)]
    if not tracked:
        return
    memory = memory_load({envelope.event.item_id for envelope in tracked})
    throttle = timedelta(seconds=settings.NOTIFY_OUTBID_THROTTLE_SECONDS)
    decided = [(envelope.id, notice) for envelope in tracked for notice in memory.remember(envelope, throttle)]
    memory_store(memory)
    enqueue_on_commit(notifications_create(decided))


processor = Processor(
    name=NAME,
    inputs=INPUTS,
    handle=handle,
    decode=decode,
    sink=PostgresSink(NAME, track, TABLES),
)
