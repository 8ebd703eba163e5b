"""How events become steps of the index. Idempotent: a step is keyed by (item, seq), a replay adds nothing."""
from collections.abc import Sequence

from auction.replay.models import Step
from streams.events import AuctionClosed, AuctionExtended, BidAccepted, Envelope, ItemListed
from streams.processors.bidding_translate import terms_of


def _step(envelope: Envelope) -> Step | None:
    event = envelope.event
    if isinstance(event, ItemListed):
        return Step(item_id=event.item_id, seq=0, kind=Step.Kind.LISTED, at=event.starts_at, data=terms_of(event).to_dict())
    if isinstance(event, BidAccepted):
        return Step(item_id=event.item_id, seq=event.state.seq, kind=Step.Kind.BID, at=event.decided_at, bid_id=event.bid_id)
    if isinstance(event, AuctionExtended):
        return Step(item_id=event.item_id, seq=event.seq, kind=Step.Kind.EXTENDED, at=envelope.time,
                    data={"ends_at": event.ends_at.isoformat()})
    if isinstance(event, AuctionClosed):
        return Step(item_id=event.item_id, seq=event.seq, kind=Step.Kind.CLOSED, at=event.closed_at,
                    data={"outcome": event.outcome.value, "winner_id": event.winner_id, "winner_name": event.winner_name})
    return None


def steps_record(envelopes: Sequence[Envelope]) -> None:
    """One insert for a batch's steps."""
    steps = [step for step in map(_step, envelopes) if step is not None]
    if steps:
        Step.objects.bulk_create(steps, ignore_conflicts=True)
