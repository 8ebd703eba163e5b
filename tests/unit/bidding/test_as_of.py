"""The item at an instant, folded from its logged steps: it is what the processor's engine made at that instant.

A small simulator plays the processor (each request judged by the engine at its moment, the staff
actions and the close on time) and records the steps the log would carry; `as_of` must give back,
at every moment, exactly the public state the simulator had then.
"""
from dataclasses import replace
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streams.bidding import Accepted, Rejected, Status, buy_now, cancel, close, end_now, extend, judge_bid, open_auction, public_view
from streams.bidding.as_of import AsOf, BidStep, CloseStep, ExtensionStep, PublicBid, ReplayMismatch, as_of, timeline
from tests.unit.bidding.builders import END, SELLER, T0, bid, buy_request, terms
from tests.unit.bidding.test_properties import item_terms

LISTED = T0 - timedelta(hours=1)


def simulate(data, item):
    """Plays the processor over random requests; returns the steps and [(moment, public view, closed)] after each change."""
    state, steps, seen, now = open_auction(item), [], [], T0
    for _ in range(data.draw(st.integers(0, 25))):
        now += timedelta(seconds=data.draw(st.integers(0, 90)))
        if now >= state.ends_at:
            break
        action = data.draw(st.sampled_from(["bid"] * 12 + ["extend", "end", "cancel", "buy"]))
        if action == "bid":
            minimum = state.minimum_next_bid
            amount = data.draw(st.integers(minimum - 50, minimum * 2 + 3_00))
            request = bid(data.draw(st.integers(SELLER, SELLER + 4)), amount, data.draw(st.none() | st.integers(max(amount, 1), max(amount, 1) * 3)), at=now)
            request = replace(request, bid_id=f"bid-{len(steps)}")
            decided_at = now + timedelta(milliseconds=data.draw(st.integers(0, 900)))
            state, decision = judge_bid(state, request, min(decided_at, now))
            if isinstance(decision, Accepted):
                steps.append(BidStep(decision.view.seq, request, decided_at))
                seen.append((now, public_view(state), None))
                if decision.extended is not None:
                    steps.append(ExtensionStep(decision.extended.seq, decision.extended.ends_at, decided_at))
            continue
        if action == "extend":
            state, extended = extend(state, state.ends_at + timedelta(seconds=data.draw(st.integers(1, 600))), now)
            if extended is not None:
                steps.append(ExtensionStep(extended.seq, extended.ends_at, now))
                seen.append((now, public_view(state), None))
            continue
        if action == "buy":
            state, closed = buy_now(state, buy_request(SELLER + 9, now), now)
            if isinstance(closed, Rejected):
                continue
        else:
            state, closed = (end_now if action == "end" else cancel)(state, now)
        steps.append(CloseStep(closed.seq, closed.outcome, now, closed.winner_id, closed.winner_name))
        seen.append((now, seen[-1][1] if seen else public_view(open_auction(item)), closed))
        return steps, seen, state
    closing_at = state.ends_at + timedelta(seconds=data.draw(st.integers(0, 5)))
    before = public_view(state)
    state, closed = close(state, closing_at)
    steps.append(CloseStep(closed.seq, closed.outcome, closing_at, closed.winner_id, closed.winner_name))
    seen.append((closing_at, before, closed))
    return steps, seen, state


@settings(max_examples=60, deadline=None)
@given(st.data(), item_terms())
def test_at_every_change_the_fold_is_the_engine_state_of_that_moment(data, item):
    steps, seen, final = simulate(data, item)
    last_at_each_moment = {moment: (view, closed) for moment, view, closed in seen}  # changes at one instant: the last shows
    for moment, (view, closed) in last_at_each_moment.items():
        found = as_of(item, LISTED, steps, moment)
        assert (found.view, found.closed) == (view, closed)
    last = as_of(item, LISTED, steps, seen[-1][0] + timedelta(days=30))
    assert last.closed is not None and last.seq == final.seq
    assert [entry.seq for entry in last.history] == [step.seq for step in steps if isinstance(step, BidStep)]


@settings(max_examples=50, deadline=None)
@given(st.data(), item_terms())
def test_later_instants_never_show_less(data, item):
    steps, seen, _ = simulate(data, item)
    instants = sorted(data.draw(st.lists(st.integers(-100, 3_000), min_size=2, max_size=8)))
    states = [as_of(item, LISTED, steps, T0 + timedelta(seconds=s)) for s in instants]
    for earlier, later in zip(states, states[1:]):
        assert later.seq >= earlier.seq
        assert later.view.bid_count >= earlier.view.bid_count
        assert later.history[: len(earlier.history)] == earlier.history


@settings(max_examples=50, deadline=None)
@given(st.data(), item_terms())
def test_marks_name_every_logged_change_once(data, item):
    steps, _, final = simulate(data, item)
    found = timeline(item, LISTED, steps)
    assert [mark.seq for mark in found.marks] == list(range(1, final.seq + 1))
    assert found.closed and found.ends_at == steps[-1].at
    assert [mark.at for mark in found.marks] == sorted(mark.at for mark in found.marks)
    assert found.history == as_of(item, LISTED, steps, found.ends_at).history
    for mark in found.marks:  # the slider on a mark shows that change
        assert as_of(item, LISTED, steps, mark.at).seq >= mark.seq


def test_before_the_listing_there_is_nothing():
    assert as_of(terms(), LISTED, [], LISTED - timedelta(microseconds=1)) is None
    assert as_of(terms(), LISTED, [], LISTED).view == public_view(open_auction(terms()))


def test_after_the_end_it_is_closed_even_before_the_close_is_logged():
    state, decision = judge_bid(open_auction(terms(reserve_price=50_00)), bid(2, 5_00, 9_00), T0)
    steps = [BidStep(1, bid(2, 5_00, 9_00), T0)]
    found = as_of(terms(reserve_price=50_00), LISTED, steps, END)
    assert found.closed.outcome == "reserve_not_met" and found.closed.seq == 2
    assert found.view == decision.view and found.view.price == 5_00


def test_the_result_holds_public_values_only():
    """Maxima and the reserve live in the private state; the result's types have no field for them."""
    assert set(PublicBid.__slots__) == {"seq", "at", "bidder_id", "bidder_name", "amount"}
    assert set(AsOf.__slots__) == {"at", "view", "closed", "history"}
    steps = [BidStep(1, bid(2, 5_00, 9_00), T0), BidStep(2, bid(3, 6_00), T0 + timedelta(seconds=1))]
    found = as_of(terms(reserve_price=50_00), LISTED, steps, END - timedelta(seconds=1))
    state, _ = judge_bid(open_auction(terms(reserve_price=50_00)), steps[0].bid, T0)
    state, decision = judge_bid(state, steps[1].bid, T0 + timedelta(seconds=1))
    assert found.view == decision.view and found.view.leader_id == 2  # the proxy maximum still leads, unseen
    assert 9_00 not in (found.view.price, found.view.minimum_next_bid, *(b.amount for b in found.history))


def test_a_step_the_engine_would_not_take_is_refused():
    with pytest.raises(ReplayMismatch):
        as_of(terms(), LISTED, [BidStep(1, bid(SELLER, 5_00), T0)], END)  # the seller's own bid
    with pytest.raises(ReplayMismatch):
        as_of(terms(), LISTED, [BidStep(3, bid(2, 5_00), T0)], END)  # a seq the engine does not give
    with pytest.raises(ReplayMismatch):
        as_of(terms(), LISTED, [CloseStep(1, "sold", END)], END)  # sold without a bid


def test_staff_extension_and_early_end_replay_as_the_engine_made_them():
    later = END + timedelta(hours=2)
    steps = [ExtensionStep(1, later, T0), BidStep(2, bid(2, 3_00), T0 + timedelta(seconds=5)), CloseStep(3, "sold", T0 + timedelta(minutes=1))]
    assert as_of(terms(), LISTED, steps, T0).view.ends_at == later
    ended = as_of(terms(), LISTED, steps, T0 + timedelta(minutes=1))
    assert ended.closed.outcome == "sold" and ended.closed.winner_id == 2 and ended.view.ends_at == later
    assert as_of(terms(), LISTED, steps, T0 + timedelta(seconds=59)).closed is None
    assert timeline(terms(), LISTED, steps).marks[0].kind == "extension"
