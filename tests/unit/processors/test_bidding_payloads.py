"""The decisions' JSON written by `bidding_payloads` is, byte for byte, what the pydantic events serialize to."""
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from streams import bidding
from streams.events import BidPlaced, BidRejected, Outcome
from streams.money import Money
from streams.processors import bidding_payloads as payloads
from streams.processors import bidding_translate as tr
from tests.unit.events.strategies import moments

names = st.text(min_size=1, max_size=30)
uuids = st.uuids().map(str)


@st.composite
def auctions(draw):
    """An item's terms and the bids placed on it (in a random currency, with random names and zones)."""
    start = draw(st.integers(1, 50_00))
    reserve = draw(st.none() | st.integers(start, start * 20))
    floor = start if reserve is None else reserve
    listed_at = draw(moments)
    terms = bidding.ItemTerms(
        item_id=draw(uuids), seller_id=1, currency=draw(st.sampled_from(["EUR", "USD"])), starting_price=start,
        ends_at=listed_at + timedelta(minutes=draw(st.integers(1, 60))), reserve_price=reserve,
        buy_now_price=draw(st.none() | st.integers(floor, floor * 3)),
        extension_window_seconds=draw(st.sampled_from([0, 120])), extension_cap_seconds=draw(st.sampled_from([0, 600])),
    )
    bids = []
    for _ in range(draw(st.integers(1, 12))):
        amount = draw(st.integers(1, start * 30))
        bids.append(
            BidPlaced(
                bid_id=draw(uuids), item_id=terms.item_id, bidder_id=draw(st.integers(1, 5)), bidder_name=draw(names),
                amount=Money(minor=amount, currency=draw(st.sampled_from([terms.currency, "GBP"]))),
                max_amount=draw(st.none() | st.integers(amount, amount * 3).map(lambda m: Money(minor=m, currency=terms.currency))),
                placed_at=listed_at + timedelta(seconds=draw(st.integers(0, 3600))),
            )
        )
    return terms, bids


@settings(max_examples=150)
@given(auction=auctions(), decided_at=moments)
def test_every_decision_of_a_random_auction_is_written_as_the_event_would_be(auction, decided_at):
    terms, bids = auction
    state = bidding.open_auction(terms)
    for placed in bids:
        new_state, decision = bidding.judge_bid(state, tr.bid_of(placed), placed.placed_at)
        if isinstance(decision, bidding.Accepted):
            event = tr.accepted_event(placed, decision, decided_at)
            fast = payloads.accepted_json(placed, decision, decided_at)
        else:
            arguments = dict(request_id=placed.bid_id, item_id=placed.item_id, bidder_id=placed.bidder_id,
                             amount=placed.amount, decision=decision, state=state, decided_at=decided_at)
            event, fast = tr.rejected_event(**arguments), payloads.rejected_json(**arguments)
        assert fast == type(event).__pydantic_serializer__.to_json(event)
        assert type(event).model_validate_json(fast) == event
        state = new_state


@given(request_id=uuids, item_id=uuids, bidder_id=st.integers(1, 10**9), amount=st.none() | st.builds(Money, minor=st.integers(0, 10**12)),
       decision=st.sampled_from([bidding.reject_unknown(), bidding.reject_ended(Outcome.SOLD), bidding.reject_ended(Outcome.CANCELLED)]),
       decided_at=moments)
def test_a_refusal_without_state_is_written_as_the_event_would_be(request_id, item_id, bidder_id, amount, decision, decided_at):
    arguments = dict(request_id=request_id, item_id=item_id, bidder_id=bidder_id, amount=amount, decision=decision,
                     state=None, decided_at=decided_at)
    event = tr.rejected_event(**arguments)
    assert payloads.rejected_json(**arguments) == BidRejected.__pydantic_serializer__.to_json(event)
