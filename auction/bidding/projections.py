"""How decisions become rows of the bid read model; keyed by bid id, so replays are harmless."""
from collections.abc import Sequence

from streams.events import BidAccepted, BidRejected

from auction.bidding.models import Bid

_DECISION_FIELDS = [field.name for field in Bid._meta.concrete_fields if not field.primary_key]


def _row(event: BidAccepted | BidRejected) -> Bid:
    """The whole row, so a bid's row says what its one decision said and nothing older."""
    common = dict(id=event.bid_id, item_id=event.item_id, bidder_id=event.bidder_id, decided_at=event.decided_at)
    if isinstance(event, BidAccepted):
        return Bid(
            **common,
            bidder_name=event.bidder_name,
            amount=event.amount.minor,
            currency=event.amount.currency,
            status=Bid.Status.ACCEPTED,
            reason_code="",
            reason="",
            minimum=None,
            price_after=event.state.price.minor if event.state.price else None,
            leader_after_id=event.state.leader_id,
            seq=event.state.seq,
        )
    return Bid(
        **common,
        bidder_name="",
        amount=event.amount.minor if event.amount else 0,
        currency=event.amount.currency if event.amount else "",
        status=Bid.Status.REJECTED,
        reason_code=event.reason_code.value,
        reason=event.reason,
        minimum=event.minimum.minor if event.minimum else None,
        price_after=None,
        leader_after_id=None,
        seq=None,
    )


def decisions_record(events: Sequence[BidAccepted | BidRejected]) -> None:
    """One upsert for a batch of decisions (the last one of a bid wins, as one by one it would)."""
    rows = {event.bid_id: _row(event) for event in events}
    if rows:
        Bid.objects.bulk_create(
            rows.values(), update_conflicts=True, unique_fields=["id"], update_fields=_DECISION_FIELDS
        )
