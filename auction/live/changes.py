"""An item as it reads right after a decision, before the projector has written it.

The live processor gets an item's listing terms from the read model (they never change) and
lays the event's facts over them, so `fields.public_fields` formats the pushed state with the
very rules the pages use. The copies are never saved.
"""
import copy

from auction.catalog.models import Item
from streams.events import AuctionClosed, AuctionExtended, AuctionState
from streams.money import to_minor


def after_bid(item: Item, state: AuctionState) -> Item:
    """An accepted bid carries the item's whole public state."""
    after = copy.copy(item)
    after.status = Item.Status.OPEN
    after.current_price = to_minor(state.price)
    after.leader_id = state.leader_id
    after.leader_name = state.leader_name or ""
    after.bid_count = state.bid_count
    after.reserve_met = state.reserve_met
    after.ends_at = state.ends_at
    after.buy_now_available = state.buy_now_available
    after.seq = state.seq
    return after


def after_extension(item: Item, event: AuctionExtended) -> Item:
    after = copy.copy(item)
    after.ends_at = event.ends_at
    after.seq = event.seq
    return after


def after_close(item: Item, event: AuctionClosed) -> Item:
    after = copy.copy(item)
    after.status = Item.Status.CLOSED
    after.outcome = event.outcome.value
    after.winner_id = event.winner_id
    after.winner_name = event.winner_name or ""
    after.final_price = to_minor(event.final_price)
    after.high_bid = to_minor(event.high_bid)
    after.current_price = to_minor(event.final_price or event.high_bid)
    after.bid_count = event.bid_count
    after.buy_now_available = False
    after.closed_at = event.closed_at
    after.seq = event.seq
    return after
