"""How events change the item read model. Each is idempotent: a replay changes nothing.

Updates after the listing are guarded by the per-item sequence number, so an old or repeated
decision never overwrites a newer state.
"""
from collections.abc import Iterable

from streams.events import AuctionClosed, AuctionExtended, BidAccepted, ItemListed

from auction.catalog.decision_columns import close_columns, extension_columns, state_columns
from auction.catalog.listing_fields import as_listed
from auction.catalog.models import Item


def item_listed(event: ItemListed) -> None:
    terms = dict(
        as_listed(event),
        image_urls=list(event.image_urls),
        **event.prices_in_minor_units(),
        starts_at=event.starts_at,
        original_ends_at=event.ends_at,
    )
    Item.objects.update_or_create(
        pk=event.item_id,
        defaults=terms,
        create_defaults=dict(
            terms,
            ends_at=event.ends_at,
            reserve_met=False if event.reserve_price else None,
            buy_now_available=event.buy_now_price is not None,
        ),
    )


def bids_accepted(events: Iterable[BidAccepted]) -> None:
    """Each item's public state once, from its latest accepted bid: that state includes every earlier change."""
    latest: dict[str, BidAccepted] = {}
    for event in events:
        if event.item_id not in latest or event.state.seq > latest[event.item_id].state.seq:
            latest[event.item_id] = event
    for event in latest.values():
        Item.objects.filter(pk=event.item_id, seq__lt=event.state.seq).update(**state_columns(event.state))


def auction_extended(event: AuctionExtended) -> None:
    Item.objects.filter(pk=event.item_id, seq__lt=event.seq).update(**extension_columns(event))


def auction_closed(event: AuctionClosed) -> None:
    Item.objects.filter(pk=event.item_id, seq__lt=event.seq).update(**close_columns(event))
