"""An item as it reads right after a decision, before the projector has written it.

The live processor gets an item's listing terms from the read model (they never change) and
lays the event's facts over them (the columns the projector will write: `decision_columns`), so
`fields.public_fields` formats the pushed state with the very rules the pages use. The copies
are never saved.
"""
import copy

from auction.catalog.decision_columns import close_columns, extension_columns, state_columns
from auction.catalog.models import Item
from streams.events import AuctionClosed, AuctionExtended, AuctionState


def _laid_over(item: Item, columns: dict) -> Item:
    after = copy.copy(item)
    for name, value in columns.items():
        setattr(after, name, value)
    return after


def after_bid(item: Item, state: AuctionState) -> Item:
    return _laid_over(item, {**state_columns(state), "status": Item.Status.OPEN})


def after_extension(item: Item, event: AuctionExtended) -> Item:
    return _laid_over(item, extension_columns(event))


def after_close(item: Item, event: AuctionClosed) -> Item:
    return _laid_over(item, close_columns(event))
