"""How decisions become rows of the bid read model; keyed by bid id, so replays are harmless."""
from collections.abc import Sequence

from streams.events import BidAccepted, BidRejected, RejectReason

from auction.bidding.models import Bid
from streams.money import to_minor

_DECISION_FIELDS = [field.name for field in Bid._meta.concrete_fields if not field.primary_key]


def decision_row(event: BidAccepted | BidRejected) -> Bid:
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
            price_after=to_minor(event.state.price),
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
        minimum=to_minor(event.minimum),
        price_after=None,
        leader_after_id=None,
        seq=None,
    )


def decisions_record(events: Sequence[BidAccepted | BidRejected]) -> None:
    """Upsert a batch of decisions (the last one of a bid wins, as one by one it would).

    Except that "unknown item" never replaces a decision: only a bidding processor that has not
    seen the listing says it (one whose state was reset, or another run's on a shared broker),
    while any other decision comes from one that has.
    """
    rows: dict[str, Bid] = {}
    for event in events:
        row = decision_row(event)
        if row.reason_code != RejectReason.UNKNOWN_ITEM or event.bid_id not in rows:
            rows[event.bid_id] = row
    unknown = [row for row in rows.values() if row.reason_code == RejectReason.UNKNOWN_ITEM]
    known = [row for row in rows.values() if row.reason_code != RejectReason.UNKNOWN_ITEM]
    if known:
        Bid.objects.bulk_create(known, update_conflicts=True, unique_fields=["id"], update_fields=_DECISION_FIELDS)
    if unknown:
        Bid.objects.bulk_create(unknown, ignore_conflicts=True)
