"""The item read model as it stood at an instant: the live row's listing, with the replayed public state.

What a close changes is what the projector's `auction_closed` changes, from the `Closed` fact; the
rest comes from the public view before it. So every page and reply built from an `Item` (masking,
minimum bid, reserve shown as met or not) shows a replayed item by the same rules as a live one.
"""
import copy

from auction.catalog.models import Item
from streams.bidding.as_of import AsOf


def item_as_it_stood(item: Item, found: AsOf) -> Item:
    """An unsaved copy of `item` holding its state at `found.at`."""
    view, closed = found.view, found.closed
    stood = copy.copy(item)
    stood.current_price = view.price
    stood.leader_id = view.leader_id
    stood.leader_name = view.leader_name or ""
    stood.bid_count = view.bid_count
    stood.reserve_met = view.reserve_met
    stood.ends_at = view.ends_at
    stood.buy_now_available = view.buy_now_available
    stood.seq = found.seq
    stood.status = Item.Status.OPEN if closed is None else Item.Status.CLOSED
    stood.outcome, stood.winner_id, stood.winner_name = "", None, ""
    stood.final_price = stood.high_bid = stood.closed_at = None
    if closed is not None:
        stood.outcome = closed.outcome.value
        stood.winner_id = closed.winner_id
        stood.winner_name = closed.winner_name or ""
        stood.final_price = closed.final_price
        stood.high_bid = closed.high_bid
        stood.current_price = closed.final_price or closed.high_bid
        stood.bid_count = closed.bid_count
        stood.buy_now_available = False
        stood.closed_at = closed.closed_at
    return stood
