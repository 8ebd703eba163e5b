"""Judging an item's bids again, in log order, with the pure engine: the reference the tests hold the
running system to. Whatever the concurrency, the crashes or the batching, the bidding processor's
decisions must be the ones a single loop over the item's `auction.bids` records gets from
`streams.bidding`.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from streams import bidding
from streams.events import AuctionClosed, BidAccepted, BidPlaced, BidRejected, Event, ItemListed
from streams.processors import bidding_translate as tr


def without_time(event: Event) -> dict:
    """The event as data, less when it was decided (a wall-clock reading, different on every run)."""
    return event.model_dump(exclude={"decided_at", "closed_at"})


@dataclass
class Replay:
    """One item's auction judged again: its final state and the decision each bid should have had."""

    state: bidding.PrivateAuctionState
    decisions: dict[str, BidAccepted | BidRejected] = field(default_factory=dict)

    @classmethod
    def of(cls, listed: ItemListed, placed: Sequence[BidPlaced]) -> Replay:
        """Bids in log order, each judged at the time the web tier placed it, as the processor judges them."""
        replay = cls(bidding.open_auction(tr.terms_of(listed)))
        for bid in placed:
            before = replay.state
            replay.state, decision = bidding.judge_bid(before, tr.bid_of(bid), bid.placed_at)
            replay.decisions[bid.bid_id] = (
                tr.accepted_event(bid, decision, bid.placed_at)
                if isinstance(decision, bidding.Accepted)
                else tr.rejected_event(
                    request_id=bid.bid_id, item_id=bid.item_id, bidder_id=bid.bidder_id, amount=bid.amount,
                    decision=decision, state=before, decided_at=bid.placed_at,
                )
            )
        return replay

    def closed(self, at: datetime) -> AuctionClosed:
        """The close the processor's timer should emit once the end has passed."""
        _, fact = bidding.close(self.state, max(at, self.state.ends_at))
        return tr.closed_event(fact, self.state.terms.currency)
