"""How decisions become rows of the bid read model; keyed by bid id, so replays are harmless."""
from streams.events import BidAccepted, BidRejected

from auction.bidding.models import Bid


def bid_accepted(event: BidAccepted) -> None:
    Bid.objects.update_or_create(
        pk=event.bid_id,
        defaults=dict(
            item_id=event.item_id,
            bidder_id=event.bidder_id,
            bidder_name=event.bidder_name,
            amount=event.amount.minor,
            currency=event.amount.currency,
            status=Bid.Status.ACCEPTED,
            price_after=event.state.price.minor if event.state.price else None,
            leader_after_id=event.state.leader_id,
            seq=event.state.seq,
            decided_at=event.decided_at,
        ),
    )


def bid_rejected(event: BidRejected) -> None:
    Bid.objects.update_or_create(
        pk=event.bid_id,
        defaults=dict(
            item_id=event.item_id,
            bidder_id=event.bidder_id,
            bidder_name="",
            amount=event.amount.minor if event.amount else 0,
            currency=event.amount.currency if event.amount else "",
            status=Bid.Status.REJECTED,
            reason_code=event.reason_code.value,
            reason=event.reason,
            minimum=event.minimum.minor if event.minimum else None,
            decided_at=event.decided_at,
        ),
    )
