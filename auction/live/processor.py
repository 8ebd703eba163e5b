"""The live processor: bid decisions and outcomes → open pages, the moment the stream decides them.

It reads the bid history and the outcomes (co-partitioned, merged in timestamp order, so each
item's messages keep their sequence), turns each decision into messages and hands every batch to
the push path. It writes no topic and no table: pushes are at most once by nature (docs/explanation/live.md), which is why they carry the item's seq and browsers resync from snapshots. It starts
at the end of the log and keeps no offsets (see `auction.live.sink`).

Decisions older than `LIVE_STALE_SECONDS` are not pushed: when the processor falls that far
behind the moment has passed, and a toast about it would only confuse.
"""
import logging
import uuid

from django.conf import settings
from django.db import DatabaseError

from auction.catalog.models import Item
from auction.catalog.selectors import item_get
from auction.live.listings import Listings
from auction.live.messages import LIVE_EVENTS, Push, pushes_for
from auction.live.push import pusher
from auction.live.sink import PushSink
from streams.events import Envelope, decode
from streams.runtime.processor import Processor, Record
from streams.topics import BIDS_HISTORY_TOPIC, ITEMS_COMPLETE_TOPIC

NAME = "live"
INPUTS = (BIDS_HISTORY_TOPIC, ITEMS_COMPLETE_TOPIC)
log = logging.getLogger(__name__)


def _read_listing(item_id: str) -> Item | None:
    """The item's read-model row; None when it is not there (or the database is away)."""
    try:
        return item_get(item_id=uuid.UUID(item_id))
    except DatabaseError as error:
        log.warning("no item row for live messages: %s: %s", type(error).__name__, error)
        return None


listings = Listings(_read_listing)


def handle(record: Record, ctx) -> list[Push]:
    envelope: Envelope = record.value
    event = envelope.event
    if not isinstance(event, LIVE_EVENTS):
        return []
    if ctx.now().timestamp() * 1000 - record.timestamp_ms > settings.LIVE_STALE_SECONDS * 1000:
        return []
    return pushes_for(event, listings.get(event.item_id))


processor = Processor(
    name=NAME,
    inputs=INPUTS,
    handle=handle,
    decode=decode,
    sink=PushSink(pusher),
)
