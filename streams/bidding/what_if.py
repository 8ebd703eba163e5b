"""What if the rules had been different: the items' events of a stretch of the log, decided again.

`Redecider` runs the engine on a sequence of item events (listings, bids, Buy It Now requests,
staff's cancels, early ends and extensions), in the order the log holds them, under the `Rules`
it is given, and keeps each auction's `AuctionResult`. Two of them fed the same events, one with
the live rules and one with a change, give two results per auction; `compare` says which differ
and what that makes in total. Pure: the Django side (`auction.whatif`) reads the events from Kafka.

It decides as the bidding processor does: a bid is judged at the earlier of when it was read
(`at`, the record's time) and when the web tier accepted it; staff's requests at when they were
read; an auction closes once the log has passed its (possibly extended) end, as the processor's
timer fires: before the first of its events later than that end (an event at the very end comes
first), or at `finish` when the stretch ends later. An auction still open when the stretch ends
is reported open (`outcome` None).

Events of items not listed in the stretch are counted in `skipped`, not decided: their state at
the start of the stretch is not known.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from streams.bidding.decisions import Accepted, Closed, Extended, Rejected
from streams.bidding.engine import buy_now, cancel, close, end_now, extend, judge_bid, open_auction
from streams.bidding.inputs import BidRequest, BuyNowRequest
from streams.bidding.rules import Rules
from streams.bidding.state import ItemTerms, Outcome, PrivateAuctionState, Status


@dataclass(frozen=True, slots=True)
class Listed:
    terms: ItemTerms
    at: datetime

    @property
    def item_id(self) -> str:
        return self.terms.item_id


@dataclass(frozen=True, slots=True)
class BidMade:
    bid: BidRequest
    at: datetime

    @property
    def item_id(self) -> str:
        return self.bid.item_id


@dataclass(frozen=True, slots=True)
class BuyNowMade:
    request: BuyNowRequest
    at: datetime

    @property
    def item_id(self) -> str:
        return self.request.item_id


@dataclass(frozen=True, slots=True)
class Cancelled:
    item_id: str
    at: datetime


@dataclass(frozen=True, slots=True)
class EndRequested:
    item_id: str
    at: datetime


@dataclass(frozen=True, slots=True)
class ExtensionRequested:
    item_id: str
    ends_at: datetime
    at: datetime


ItemEvent = Listed | BidMade | BuyNowMade | Cancelled | EndRequested | ExtensionRequested
Fact = Accepted | Rejected | Closed | Extended


@dataclass(frozen=True, slots=True)
class AuctionResult:
    """How one auction came out. `outcome` None: still open when the stretch ended.

    `revenue` is the price of a sale (sold or bought now), else 0; `extensions` counts soft-close
    extensions only (staff's are the same under any rules)."""

    item_id: str
    currency: str
    outcome: Outcome | None
    winner_id: int | None
    winner_name: str | None
    final_price: int | None
    high_bid: int | None
    accepted: int
    rejected: int
    extensions: int
    ends_at: datetime

    @property
    def sold(self) -> bool:
        return self.outcome in (Outcome.SOLD, Outcome.BOUGHT_NOW)

    @property
    def revenue(self) -> int:
        return (self.final_price or 0) if self.sold else 0


@dataclass(slots=True)
class _Auction:
    state: PrivateAuctionState
    rejected: int = 0
    extensions: int = 0


@dataclass
class Redecider:
    """Feed it item events in log order; `results()` after `finish`."""

    rules: Rules
    skipped: int = 0
    _auctions: dict[str, _Auction] = field(default_factory=dict)

    def feed(self, event: ItemEvent) -> list[Fact]:
        """The facts the engine reports for `event` (a close the log's time caused first)."""
        if isinstance(event, Listed):
            if event.item_id not in self._auctions:
                self._auctions[event.item_id] = _Auction(open_auction(event.terms, self.rules))
            return []
        auction = self._auctions.get(event.item_id)
        if auction is None:
            self.skipped += 1
            return []
        facts = self._close_if_ended(auction, event.at)
        facts += self._apply(auction, event)
        return facts

    def finish(self, until: datetime) -> list[Closed]:
        """The stretch ends at `until` (exclusive): every auction that ended before then closes."""
        return [fact for auction in self._auctions.values() for fact in self._close_if_ended(auction, until)]

    def results(self) -> dict[str, AuctionResult]:
        return {item_id: _result(auction) for item_id, auction in self._auctions.items()}

    def _close_if_ended(self, auction: _Auction, now: datetime) -> list[Fact]:
        state = auction.state
        if state.status is Status.CLOSED or now <= state.ends_at:
            return []
        auction.state, closed = close(state, now)
        return [] if closed is None else [closed]

    def _apply(self, auction: _Auction, event: ItemEvent) -> list[Fact]:
        state, rules = auction.state, self.rules
        if isinstance(event, BidMade):
            state, fact = judge_bid(state, event.bid, min(event.at, event.bid.placed_at), rules)
            if isinstance(fact, Accepted) and fact.extended is not None:
                auction.extensions += 1
        elif isinstance(event, BuyNowMade):
            state, fact = buy_now(state, event.request, min(event.at, event.request.requested_at), rules)
        elif isinstance(event, Cancelled):
            state, fact = cancel(state, event.at)
        elif isinstance(event, EndRequested):
            state, fact = end_now(state, event.at)
        else:
            state, fact = extend(state, event.ends_at, event.at)
        auction.state = state
        if isinstance(fact, Rejected):
            auction.rejected += 1
        return [] if fact is None else [fact]


def _result(auction: _Auction) -> AuctionResult:
    state = auction.state
    sold = state.outcome in (Outcome.SOLD, Outcome.BOUGHT_NOW)
    winner = state.leader if sold else None
    return AuctionResult(
        item_id=state.terms.item_id,
        currency=state.terms.currency,
        outcome=state.outcome,
        winner_id=None if winner is None else winner.bidder_id,
        winner_name=None if winner is None else winner.bidder_name,
        final_price=state.price if sold else None,
        high_bid=state.price,
        accepted=state.bid_count,
        rejected=auction.rejected,
        extensions=auction.extensions,
        ends_at=state.ends_at,
    )


def redecide(events: Iterable[ItemEvent], rules: Rules, *, until: datetime) -> dict[str, AuctionResult]:
    """Every auction listed among `events`, decided under `rules`, as it stood at `until`."""
    redecider = Redecider(rules)
    for event in events:
        redecider.feed(event)
    redecider.finish(until)
    return redecider.results()


COMPARED = ("outcome", "winner_id", "final_price", "extensions", "ends_at")
"""What makes two results of an auction differ (its counts of accepted and refused bids follow from these
or do not matter to the seller)."""


@dataclass(frozen=True, slots=True)
class AuctionDiff:
    item_id: str
    before: AuctionResult
    after: AuctionResult
    changed: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Totals:
    """One currency's auctions under one set of rules."""

    auctions: int = 0
    ended: int = 0
    sold: int = 0
    revenue: int = 0
    extensions: int = 0

    @property
    def sell_through(self) -> float | None:
        """Sold auctions over ended ones (None when none ended)."""
        return None if self.ended == 0 else self.sold / self.ended

    def plus(self, result: AuctionResult) -> Totals:
        return Totals(
            auctions=self.auctions + 1,
            ended=self.ended + (result.outcome is not None),
            sold=self.sold + result.sold,
            revenue=self.revenue + result.revenue,
            extensions=self.extensions + result.extensions,
        )


@dataclass(frozen=True, slots=True)
class Comparison:
    diffs: tuple[AuctionDiff, ...]
    """Only the auctions that differ, in item id order."""
    before: Mapping[str, Totals]
    """Per currency."""
    after: Mapping[str, Totals]
    auctions: int
    changed_fields: Mapping[str, int]
    """How many auctions differ in each compared field."""


def differences(before: AuctionResult, after: AuctionResult) -> tuple[str, ...]:
    return tuple(name for name in COMPARED if getattr(before, name) != getattr(after, name))


def compare(before: Mapping[str, AuctionResult], after: Mapping[str, AuctionResult]) -> Comparison:
    """The same auctions' results under two sets of rules (both decided from the same events)."""
    if before.keys() != after.keys():
        raise ValueError("the two runs must hold the same auctions")
    diffs, counts = [], Counter()
    totals_before: dict[str, Totals] = {}
    totals_after: dict[str, Totals] = {}
    for item_id in sorted(before):
        old, new = before[item_id], after[item_id]
        totals_before[old.currency] = totals_before.get(old.currency, Totals()).plus(old)
        totals_after[new.currency] = totals_after.get(new.currency, Totals()).plus(new)
        changed = differences(old, new)
        if changed:
            diffs.append(AuctionDiff(item_id, old, new, changed))
            counts.update(changed)
    return Comparison(tuple(diffs), totals_before, totals_after, len(before), dict(counts))
