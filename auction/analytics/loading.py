"""What the analytics processor reads back of its own state: only what a batch needs, in one round trip per step.

Each look-up takes the batch's ids as one array parameter and returns plain tuples
(`facts.FactTable.select`), so a batch of 2,000 events costs a handful of index scans, not
thousands of quoted literals and model instances.
"""
from collections.abc import Collection

from auction.analytics.facts import BIDS, CLOSES, EXTENSIONS, LISTINGS
from auction.analytics.models import BidFact, ExtensionFact, SourceWatermark
from auction.streaming.cursor import UUIDS, fetch_many, uuid_list
from streams.analytics.auctions import History
from streams.analytics.fold import Known, Needs
from streams.analytics.watermark import Watermark

_BID_IDS = f'SELECT "bid_id"::text FROM "{BidFact._meta.db_table}" WHERE "bid_id" = ANY({UUIDS})'
_EXTENSION_IDS = f'SELECT "event_id" FROM "{ExtensionFact._meta.db_table}" WHERE "event_id" = ANY(%b::text[])'
_LISTINGS = LISTINGS.select("item_id")
_BIDS = BIDS.select("item_id")
_EXTENSIONS = EXTENSIONS.select("item_id")
_CLOSES = CLOSES.select("item_id")
_WATERMARKS = f'SELECT "topic", "partition", "latest" FROM "{SourceWatermark._meta.db_table}" WHERE "consumer" = %s'


def known_state(needs: Needs, *, consumer: str) -> Known:
    item_ids = uuid_list(needs.item_ids)
    listing_rows, close_rows, bid_ids, extension_ids, watermark_rows = fetch_many([
        (_LISTINGS, [item_ids]),
        (_CLOSES, [item_ids]),
        (_BID_IDS, [uuid_list(needs.bid_ids)]),
        (_EXTENSION_IDS, [list(needs.extension_ids)]),
        (_WATERMARKS, [consumer]),
    ])
    listings = {listing.item_id: listing for listing in map(LISTINGS.fact, listing_rows)}
    unjoined: dict = {}
    awaiting = list(needs.listed_ids - listings.keys())  # listed in this batch: their bids may have come first
    if awaiting:
        [bid_rows] = fetch_many([(_BIDS, [uuid_list(awaiting)])])
        for row in bid_rows:
            bid = BIDS.fact(row)
            unjoined.setdefault(bid.item_id, []).append((bid, row[-1]))
    return Known(
        listings=listings,
        closes={row[0]: (CLOSES.fact(row), row[-1]) for row in close_rows},
        unjoined_bids=unjoined,
        bid_ids={bid_id for (bid_id,) in bid_ids},
        extension_ids={event_id for (event_id,) in extension_ids},
        watermarks={
            (topic, partition): Watermark(latest)
            for topic, partition, latest in watermark_rows
            if (topic, partition) in needs.sources
        },
    )


def histories(item_ids: Collection[str]) -> list[History]:
    """Every fact of each (closed and listed) item, for recomputing its summary."""
    ids = uuid_list(item_ids)
    listing_rows, bid_rows, extension_rows, close_rows = fetch_many([
        (_LISTINGS, [ids]),
        (_BIDS, [ids]),
        (_EXTENSIONS, [ids]),
        (_CLOSES, [ids]),
    ])
    bids: dict[str, list] = {}
    fact = BIDS.fact
    for row in bid_rows:
        bids.setdefault(row[1], []).append(fact(row))
    extensions: dict[str, list] = {}
    for extension in map(EXTENSIONS.fact, extension_rows):
        extensions.setdefault(extension.item_id, []).append(extension)
    closes = {close.item_id: close for close in map(CLOSES.fact, close_rows)}
    return [
        History(listing, bids.get(listing.item_id, []), extensions.get(listing.item_id, []), closes[listing.item_id])
        for listing in map(LISTINGS.fact, listing_rows)
    ]
