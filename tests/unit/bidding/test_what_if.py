"""The "what if" core: decided again under the live rules, history comes out as the live engine decided
it; under other rules, as a direct computation says."""
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streams.bidding import (
    LIVE_INCREMENTS,
    LIVE_RULES,
    Accepted,
    BuyNowRule,
    IncrementTable,
    Outcome,
    Rules,
    buy_now,
    cancel,
    close,
    end_now,
    extend,
    increment,
    judge_bid,
    open_auction,
)
from streams.bidding.what_if import (
    BidMade,
    BuyNowMade,
    Cancelled,
    EndRequested,
    ExtensionRequested,
    Listed,
    Redecider,
    compare,
    redecide,
)
from tests.unit.bidding.builders import END, SELLER, T0, bid, buy_request, terms

BIDDERS = st.integers(SELLER, SELLER + 5)
AFTER = END + timedelta(minutes=1)  # a stretch read past every end


@st.composite
def histories(draw):
    """One item's listing, then requests at increasing times, some after its end."""
    start = draw(st.integers(1, 20_00))
    reserve = draw(st.none() | st.integers(start, start * 20))
    floor = start if reserve is None else reserve
    item = terms(
        starting_price=start,
        reserve_price=reserve,
        buy_now_price=draw(st.none() | st.integers(floor, floor * 3)),
        ends_at=T0 + timedelta(seconds=600),
        extension_window_seconds=draw(st.sampled_from([0, 60, 120])),
        extension_cap_seconds=draw(st.sampled_from([0, 120, 1800])),
    )
    events = [Listed(item, T0)]
    at = T0
    for n in range(draw(st.integers(0, 25))):
        at += timedelta(seconds=draw(st.integers(0, 90)))
        kind = draw(st.sampled_from(["bid"] * 12 + ["buy", "cancel", "end", "extend"]))
        if kind == "bid":
            amount = draw(st.integers(1, 200_00))
            maximum = draw(st.none() | st.integers(amount - 5_00, amount * 3))
            request = bid(draw(BIDDERS), amount, maximum, at=at - timedelta(seconds=draw(st.integers(0, 3))))
            events.append(BidMade(request.__class__(**{**_fields(request), "bid_id": f"b{n}"}), at))
        elif kind == "buy":
            events.append(BuyNowMade(buy_request(draw(BIDDERS), at=at), at))
        elif kind == "cancel" and draw(st.booleans()):
            events.append(Cancelled(item.item_id, at))
        elif kind == "end" and draw(st.booleans()):
            events.append(EndRequested(item.item_id, at))
        elif kind == "extend":
            events.append(ExtensionRequested(item.item_id, at + timedelta(seconds=draw(st.integers(-60, 900))), at))
    return events


def _fields(value) -> dict:
    return {name: getattr(value, name) for name in value.__slots__}


def live_engine(events):
    """What the bidding processor does with these events: the live engine's facts, in order."""
    facts, state = [], open_auction(events[0].terms)
    for event in events[1:]:
        if event.at > state.ends_at:  # its timer fires once the log passes the end
            state, closed = close(state, event.at)
            facts += [closed] if closed else []
        if isinstance(event, BidMade):
            state, fact = judge_bid(state, event.bid, min(event.at, event.bid.placed_at))
        elif isinstance(event, BuyNowMade):
            state, fact = buy_now(state, event.request, min(event.at, event.request.requested_at))
        elif isinstance(event, Cancelled):
            state, fact = cancel(state, event.at)
        elif isinstance(event, EndRequested):
            state, fact = end_now(state, event.at)
        else:
            state, fact = extend(state, event.ends_at, event.at)
        facts += [fact] if fact else []
    return facts


@settings(max_examples=50, deadline=None)
@given(histories())
def test_under_the_live_rules_every_decision_is_the_live_engines(events):
    redecider = Redecider(LIVE_RULES)
    facts = [fact for event in events for fact in redecider.feed(event)]
    assert facts == live_engine(events)


@settings(max_examples=40, deadline=None)
@given(histories())
def test_the_live_rules_against_themselves_differ_nowhere(events):
    until = END + timedelta(hours=1)
    same = Rules(increments=IncrementTable(LIVE_INCREMENTS.rows))
    comparison = compare(redecide(events, LIVE_RULES, until=until), redecide(events, same, until=until))
    assert comparison.diffs == ()
    assert comparison.before == comparison.after
    assert comparison.auctions == 1


@given(st.integers(0, 10_000_000_00))
def test_the_live_table_steps_as_the_live_increment(price):
    assert LIVE_INCREMENTS.increment(price) == increment(price)


def test_a_flat_increment_table_prices_the_winner_one_step_over_the_runner_up():
    events = [
        Listed(terms(starting_price=1_00), T0),
        BidMade(bid(2, 10_00, 40_00, at=T0), T0),
        BidMade(bid(3, 20_00, 30_00, at=T0 + timedelta(minutes=1)), T0 + timedelta(minutes=1)),
    ]
    flat = Rules(increments=IncrementTable(((0, 3_00),)))
    live, changed = (redecide(events, rules, until=AFTER)[terms().item_id] for rules in (LIVE_RULES, flat))
    assert (live.winner_id, live.final_price) == (2, 30_00 + increment(30_00))
    assert (changed.winner_id, changed.final_price) == (2, 33_00)
    diff = compare({"i": live}, {"i": changed})
    assert diff.diffs[0].changed == ("final_price",)
    assert diff.before["EUR"].revenue == 31_00 and diff.after["EUR"].revenue == 33_00


def test_without_proxy_bidding_a_bid_commits_to_its_amount_alone():
    events = [
        Listed(terms(starting_price=1_00), T0),
        BidMade(bid(2, 10_00, 40_00), T0),
        BidMade(bid(3, 20_00), T0 + timedelta(minutes=1)),
    ]
    results = redecide(events, Rules(proxy_bidding=False), until=AFTER)
    assert (results["item-1"].winner_id, results["item-1"].final_price) == (3, 20_00)
    assert redecide(events, LIVE_RULES, until=AFTER)["item-1"].winner_id == 2


def test_buy_it_now_off_refuses_the_request_and_the_auction_runs_to_its_end():
    events = [Listed(terms(buy_now_price=50_00), T0), BuyNowMade(buy_request(2), T0), BidMade(bid(3, 5_00), T0)]
    live = redecide(events, LIVE_RULES, until=AFTER)["item-1"]
    off = redecide(events, Rules(buy_now=BuyNowRule.OFF), until=AFTER)["item-1"]
    assert (live.outcome, live.final_price, live.rejected) == (Outcome.BOUGHT_NOW, 50_00, 1)
    assert (off.outcome, off.winner_id, off.final_price) == (Outcome.SOLD, 3, 5_00)


def test_buy_it_now_until_the_first_bid_ignores_an_unmet_reserve():
    events = [
        Listed(terms(reserve_price=20_00, buy_now_price=50_00), T0),
        BidMade(bid(3, 5_00), T0),
        BuyNowMade(buy_request(2), T0 + timedelta(seconds=1)),
    ]
    assert redecide(events, LIVE_RULES, until=AFTER)["item-1"].outcome is Outcome.BOUGHT_NOW
    assert redecide(events, Rules(buy_now=BuyNowRule.UNTIL_FIRST_BID), until=AFTER)["item-1"].outcome is Outcome.RESERVE_NOT_MET


def test_a_wider_soft_close_window_extends_where_the_listed_one_did_not():
    late = END - timedelta(seconds=300)
    events = [Listed(terms(extension_window_seconds=120), T0), BidMade(bid(2, 5_00, at=late), late)]
    live = redecide(events, LIVE_RULES, until=END + timedelta(hours=1))["item-1"]
    wider = redecide(events, Rules(extension_window_seconds=600), until=END + timedelta(hours=1))["item-1"]
    assert (live.extensions, live.ends_at) == (0, END)
    assert (wider.extensions, wider.ends_at) == (1, late + timedelta(seconds=600))
    assert compare({"i": live}, {"i": wider}).diffs[0].changed == ("extensions", "ends_at")


def test_an_auction_open_when_the_stretch_ends_is_reported_open_and_unlisted_items_are_skipped():
    redecider = Redecider(LIVE_RULES)
    redecider.feed(Listed(terms(), T0))
    redecider.feed(BidMade(bid(2, 5_00), T0))
    redecider.feed(BidMade(bid(2, 5_00).__class__(**{**_fields(bid(2, 5_00)), "item_id": "other"}), T0))
    redecider.finish(END - timedelta(seconds=1))
    (result,) = redecider.results().values()
    assert result.outcome is None and result.high_bid == 5_00 and result.revenue == 0
    assert redecider.skipped == 1
    assert compare(redecider.results(), redecider.results()).before["EUR"].sell_through is None


@pytest.mark.parametrize(
    "rows, message",
    [((), "at least one row"), (((1, 5),), "start at 0"), (((0, 5), (0, 10)), "ascending"), (((0, 0),), "positive")],
)
def test_an_increment_table_that_cannot_work_is_refused(rows, message):
    with pytest.raises(ValueError, match=message):
        IncrementTable(rows)


def test_rules_refuse_a_negative_soft_close():
    with pytest.raises(ValueError):
        Rules(extension_cap_seconds=-1)


def test_the_live_engine_still_judges_without_being_given_rules():
    state, decision = judge_bid(open_auction(terms()), bid(2, 5_00, 9_00), T0)
    assert isinstance(decision, Accepted) and state.leader.max_amount == 9_00
