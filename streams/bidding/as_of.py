"""An item's auction as it stood at any instant, folded from its logged steps by the engine itself.

The bidding processor numbers every public change of an item (`seq`): each accepted bid, each
extension, the close. Those changes, in that order, with the inputs that caused them (the bid as
placed, its private maximum included; the end staff asked for; the close's time and outcome) are
an item's *steps*. Folding them through the same engine functions the processor called
(`judge_bid`, `extend`, `end_now`, `cancel`, `buy_now`), each at the moment the processor judged
it, rebuilds the processor's state step by step: nothing here decides anything of its own.

A step shows from its moment on, and never before a step decided ahead of it (moments are made
non-decreasing along the order: the clock is the running maximum), so the state at `at` is the
fold of a prefix of the steps. Once the (possibly extended) end has passed the auction is closed,
as the processor's timer closes it, even before the close step is in the log.

Each step is checked against what the log says happened (the engine must accept the bid, with
the same `seq`; the close must reach the logged outcome): a disagreement raises `ReplayMismatch`
rather than showing a state that never was. The result carries only public values: the
`PublicView`, the `Closed` fact and the public history (bidder, amount, moment), never a maximum
or the reserve amount.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from streams.bidding.decisions import Closed, Rejected
from streams.bidding.engine import buy_now, cancel, close, end_now, extend, judge_bid, open_auction
from streams.bidding.inputs import BidRequest, BuyNowRequest
from streams.bidding.state import ItemTerms, Outcome, PrivateAuctionState, Status
from streams.bidding.view import PublicView, public_view


class ReplayMismatch(Exception):
    """The engine would not take a logged step as the log says it was taken."""


@dataclass(frozen=True, slots=True)
class BidStep:
    """An accepted bid; the processor judged it at the earlier of its decision and its placing."""

    seq: int
    bid: BidRequest
    decided_at: datetime

    @property
    def at(self) -> datetime:
        return min(self.decided_at, self.bid.placed_at)


@dataclass(frozen=True, slots=True)
class ExtensionStep:
    """The end moved to `ends_at`: by soft close (the engine makes it again with the bid before) or by staff."""

    seq: int
    ends_at: datetime
    at: datetime


@dataclass(frozen=True, slots=True)
class CloseStep:
    """The auction closed at `at` with `outcome`; a Buy It Now close names its buyer."""

    seq: int
    outcome: Outcome
    at: datetime
    buyer_id: int | None = None
    buyer_name: str | None = None


Step = BidStep | ExtensionStep | CloseStep


@dataclass(frozen=True, slots=True)
class PublicBid:
    """One line of the public history: who (to be masked by the caller), how much they bid, when it shows from."""

    seq: int
    at: datetime
    bidder_id: int
    bidder_name: str
    amount: int


@dataclass(frozen=True, slots=True)
class Mark:
    """A public change on the timeline, at the moment it shows from (`as_of` at `at` includes it)."""

    seq: int
    at: datetime
    kind: Literal["bid", "extension", "close"]


@dataclass(frozen=True, slots=True)
class AsOf:
    """The item at `at`. `view` is its public state before any close (a close changes only what
    `closed` says, as the read model keeps it); `history` its accepted bids so far, oldest first."""

    at: datetime
    view: PublicView
    closed: Closed | None
    history: tuple[PublicBid, ...]

    @property
    def seq(self) -> int:
        return self.view.seq if self.closed is None else self.closed.seq


@dataclass(frozen=True, slots=True)
class _Moment:
    clock: datetime
    state: PrivateAuctionState
    closed: Closed | None
    bid: PublicBid | None
    marks: tuple[Mark, ...]


def as_of(terms: ItemTerms, listed_at: datetime, steps: Sequence[Step], at: datetime) -> AsOf | None:
    """The item at `at`, or None before its listing."""
    if at < listed_at:
        return None
    state, closed, history = open_auction(terms), None, []
    for moment in _fold(terms, listed_at, steps):
        if moment.clock > at:
            break
        if moment.closed is not None:
            closed = moment.closed  # `state` stays the one before the close: the view shows that
            break
        state = moment.state
        if moment.bid is not None:
            history.append(moment.bid)
    if closed is None and at >= state.ends_at:
        closed = close(state, at)[1]  # the end has passed: the processor's timer closes it so
    return AsOf(at=at, view=public_view(state), closed=closed, history=tuple(history))


@dataclass(frozen=True, slots=True)
class Timeline:
    """Every public change so far with its moment; the end (the close's moment, else the current end);
    whether it has closed; the public history of every accepted bid, oldest first."""

    marks: tuple[Mark, ...]
    ends_at: datetime
    closed: bool
    history: tuple[PublicBid, ...]


def timeline(terms: ItemTerms, listed_at: datetime, steps: Sequence[Step]) -> Timeline:
    marks: list[Mark] = []
    history: list[PublicBid] = []
    state, closed = open_auction(terms), None
    for moment in _fold(terms, listed_at, steps):
        marks.extend(moment.marks)
        if moment.bid is not None:
            history.append(moment.bid)
        state, closed = moment.state, moment.closed
    ends_at = state.ends_at if closed is None else closed.closed_at
    return Timeline(tuple(marks), ends_at, closed is not None, tuple(history))


def _fold(terms: ItemTerms, listed_at: datetime, steps: Sequence[Step]) -> Iterator[_Moment]:
    """The state after each step, with its moment (the running maximum of the steps' moments)."""
    state, closed, clock = open_auction(terms), None, listed_at
    for step in steps:
        if closed is not None:
            raise ReplayMismatch(f"step {step.seq} follows the close of item {terms.item_id}")
        clock = max(clock, step.at)
        bid, marks = None, ()
        if isinstance(step, BidStep):
            state, bid, marks = _bid(state, step, clock)
        elif isinstance(step, ExtensionStep):
            if step.seq <= state.seq:  # soft close: the bid before it made it already
                if state.ends_at != step.ends_at:
                    raise ReplayMismatch(f"the log's extension {step.seq} of item {terms.item_id} is not the engine's")
                continue
            state, marks = _staff_extension(state, step, clock)
        else:
            state, closed = _close(state, step)
            marks = (Mark(step.seq, clock, "close"),)
        yield _Moment(clock, state, closed, bid, marks)


def _bid(state: PrivateAuctionState, step: BidStep, clock: datetime) -> tuple[PrivateAuctionState, PublicBid, tuple[Mark, ...]]:
    new_state, decision = judge_bid(state, step.bid, step.at)
    if isinstance(decision, Rejected):
        raise ReplayMismatch(f"the engine refuses logged bid {step.bid.bid_id}: {decision.message}")
    if decision.view.seq != step.seq:
        raise ReplayMismatch(f"logged bid {step.bid.bid_id} has seq {step.seq}, the engine gives it {decision.view.seq}")
    bid = step.bid
    marks = [Mark(step.seq, clock, "bid")]
    if decision.extended is not None:
        marks.append(Mark(decision.extended.seq, clock, "extension"))
    return new_state, PublicBid(step.seq, clock, bid.bidder_id, bid.bidder_name, bid.amount), tuple(marks)


def _staff_extension(state: PrivateAuctionState, step: ExtensionStep, clock: datetime) -> tuple[PrivateAuctionState, tuple[Mark, ...]]:
    # The processor extended while the auction ran, so before its end: judged no later than that.
    new_state, extended = extend(state, step.ends_at, min(step.at, state.ends_at))
    if extended is None or extended.seq != step.seq:
        raise ReplayMismatch(f"the engine does not make logged extension {step.seq} of item {state.terms.item_id}")
    return new_state, (Mark(step.seq, clock, "extension"),)


def _close(state: PrivateAuctionState, step: CloseStep) -> tuple[PrivateAuctionState, Closed]:
    if state.status is Status.CLOSED:
        raise ReplayMismatch(f"item {state.terms.item_id} closes twice")
    if step.outcome == Outcome.CANCELLED:
        new_state, closed = cancel(state, step.at)
    elif step.outcome == Outcome.BOUGHT_NOW:
        if step.buyer_id is None or step.buyer_name is None:
            raise ReplayMismatch(f"the Buy It Now close of item {state.terms.item_id} names no buyer")
        request = BuyNowRequest(f"{state.terms.item_id}/bought", state.terms.item_id, step.buyer_id, step.buyer_name, step.at)
        new_state, decision = buy_now(state, request, step.at)
        closed = None if isinstance(decision, Rejected) else decision
    else:  # at or after the end this is the timer's close; before it, staff ended the auction early
        new_state, closed = end_now(state, step.at)
    if closed is None or closed.outcome != step.outcome or closed.seq != step.seq:
        raise ReplayMismatch(f"the engine does not close item {state.terms.item_id} as logged ({step.outcome}, seq {step.seq})")
    return new_state, closed
