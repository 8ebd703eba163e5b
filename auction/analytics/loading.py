"""What the analytics processor reads back of its own state: only what a batch needs."""
from collections.abc import Collection

from auction.analytics.facts import BIDS, CLOSES, EXTENSIONS, LISTINGS
from auction.analytics.models import BidFact, ExtensionFact, SourceWatermark
from streams.analytics.auctions import History
from streams.analytics.fold import Known, Needs
from streams.analytics.watermark import Watermark


def known_state(needs: Needs, *, consumer: str) -> Known:
    listings = {listing.item_id: listing for listing in map(LISTINGS.fact, LISTINGS.rows(item_id__in=needs.item_ids))}
    unjoined: dict = {}
    for row in BIDS.rows(item_id__in=needs.listed_ids - listings.keys()):
        bid = BIDS.fact(row)
        unjoined.setdefault(bid.item_id, []).append((bid, row[-1]))
    closes = {}
    for row in CLOSES.rows(item_id__in=needs.item_ids):
        close = CLOSES.fact(row)
        closes[close.item_id] = (close, row[-1])
    return Known(
        listings=listings,
        closes=closes,
        unjoined_bids=unjoined,
        bid_ids={str(bid_id) for bid_id in BidFact.objects.filter(bid_id__in=needs.bid_ids).values_list("bid_id", flat=True)},
        extension_ids=set(ExtensionFact.objects.filter(event_id__in=needs.extension_ids).values_list("event_id", flat=True)),
        watermarks={
            (row.topic, row.partition): Watermark(row.latest)
            for row in SourceWatermark.objects.filter(consumer=consumer)
            if (row.topic, row.partition) in needs.sources
        },
    )


def histories(item_ids: Collection[str]) -> list[History]:
    """Every fact of each (closed and listed) item, for recomputing its summary."""
    bids: dict[str, list] = {}
    for bid in map(BIDS.fact, BIDS.rows(item_id__in=item_ids)):
        bids.setdefault(bid.item_id, []).append(bid)
    extensions: dict[str, list] = {}
    for extension in map(EXTENSIONS.fact, EXTENSIONS.rows(item_id__in=item_ids)):
        extensions.setdefault(extension.item_id, []).append(extension)
    closes = {close.item_id: close for close in map(CLOSES.fact, CLOSES.rows(item_id__in=item_ids))}
    return [
        History(listing, bids.get(listing.item_id, []), extensions.get(listing.item_id, []), closes[listing.item_id])
        for listing in map(LISTINGS.fact, LISTINGS.rows(item_id__in=item_ids))
    ]
