"""The item columns each bidding decision sets, from the event that carries it.

The projector writes them into the item's row (`projections`); the live processor lays them over
an unsaved copy of the row to push the item as it reads right after the decision (`auction.live.changes`).
"""
from streams.events import AuctionClosed, AuctionExtended, AuctionState
from streams.money import to_minor

from auction.catalog.models import Item


def state_columns(state: AuctionState) -> dict:
    """An accepted bid carries the item's whole public state."""
    return dict(
        current_price=to_minor(state.price),
        leader_id=state.leader_id,
        leader_name=state.leader_name or "",
        bid_count=state.bid_count,
        reserve_met=state.reserve_met,
        ends_at=state.ends_at,
        buy_now_available=state.buy_now_available,
        seq=state.seq,
    )


def extension_columns(event: AuctionExtended) -> dict:
    return dict(ends_at=event.ends_at, seq=event.seq)


def close_columns(event: AuctionClosed) -> dict:
    return dict(
        status=Item.Status.CLOSED,
        outcome=event.outcome.value,
        winner_id=event.winner_id,
        winner_name=event.winner_name or "",
        final_price=to_minor(event.final_price),
        high_bid=to_minor(event.high_bid),
        current_price=to_minor(event.final_price or event.high_bid),
        bid_count=event.bid_count,
        buy_now_available=False,
        closed_at=event.closed_at,
        seq=event.seq,
    )
