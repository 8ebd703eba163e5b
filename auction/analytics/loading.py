"""What the analytics processor reads back of its own state: only what a batch needs."""
from collections.abc import Collection

from auction.analytics.facts import bid_of, close_of, extension_of, listing_of
from auction.analytics.models import BidFact, CloseFact, ExtensionFact, ListingFact, SourceWatermark
from streams.analytics.auctions import History
from streams.analytics.fold import Known, Needs
from streams.analytics.watermark import Watermark


def known_state(needs: Needs, *, consumer: str) -> Known:
    listings = {str(row.item_id): listing_of(row) for row in ListingFact.objects.filter(item_id__in=needs.item_ids)}
    unjoined: dict = {}
    for row in BidFact.objects.filter(item_id__in=needs.listed_ids - listings.keys()):
        unjoined.setdefault(str(row.item_id), []).append((bid_of(row), row.on_time))
    watermarks = SourceWatermark.objects.filter(consumer=consumer)
    return Known(
        listings=listings,
        closes={str(row.item_id): (close_of(row), row.on_time) for row in CloseFact.objects.filter(item_id__in=needs.item_ids)},
        unjoined_bids=unjoined,
        bid_ids={str(bid_id) for bid_id in BidFact.objects.filter(bid_id__in=needs.bid_ids).values_list("bid_id", flat=True)},
        extension_ids=set(ExtensionFact.objects.filter(event_id__in=needs.extension_ids).values_list("event_id", flat=True)),
        watermarks={
            (row.topic, row.partition): Watermark(row.latest) for row in watermarks if (row.topic, row.partition) in needs.sources
        },
    )


def histories(item_ids: Collection[str]) -> list[History]:
    """Every fact of each (closed and listed) item, for recomputing its summary."""
    bids: dict[str, list] = {}
    for row in BidFact.objects.filter(item_id__in=item_ids):
        bids.setdefault(str(row.item_id), []).append(bid_of(row))
    extensions: dict[str, list] = {}
    for row in ExtensionFact.objects.filter(item_id__in=item_ids):
        extensions.setdefault(str(row.item_id), []).append(extension_of(row))
    closes = {str(row.item_id): close_of(row) for row in CloseFact.objects.filter(item_id__in=item_ids)}
    listings = [listing_of(row) for row in ListingFact.objects.filter(item_id__in=item_ids)]
    return [
        History(listing, bids.get(listing.item_id, []), extensions.get(listing.item_id, []), closes[listing.item_id])
        for listing in listings
    ]
