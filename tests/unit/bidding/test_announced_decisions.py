"""The news a projector batch sends with each decided bid, and the bid row and item state a waiter makes of it."""
import json
import uuid
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from auction.bidding.announced import announced_decision, decision_news
from auction.bidding.projections import decision_row
from streams.events import AuctionClosed, AuctionExtended, BidAccepted, BidRejected, RejectReason
from streams.events.examples import EXAMPLES

ACCEPTED, REJECTED = EXAMPLES[BidAccepted], EXAMPLES[BidRejected]
EXTENDED, CLOSED = EXAMPLES[AuctionExtended], EXAMPLES[AuctionClosed]


def _row_fields(bid) -> dict:
    return {field.attname: getattr(bid, field.attname) for field in bid._meta.concrete_fields}


def _over_the_wire(news: dict[str, str]) -> dict[str, str]:
    """What a web process reads: the news go through Redis as JSON."""
    return json.loads(json.dumps(news))


def _accepted(seq: int, **changes) -> BidAccepted:
    state = ACCEPTED.state.model_copy(update={"seq": seq, "bid_count": seq})
    return ACCEPTED.model_copy(update={"bid_id": str(uuid.uuid4()), "state": state, **changes})


def test_a_decision_comes_back_as_the_row_the_projector_wrote_and_the_state_after_it():
    for decision in (ACCEPTED, REJECTED):
        news = _over_the_wire(decision_news([decision]))

        announced = announced_decision(news[str(decision.bid_id)])

        assert _row_fields(announced.bid) == _row_fields(decision_row(decision))
        assert announced.state == decision.state


def test_the_state_is_the_items_after_the_whole_batch_in_seq_order():
    first, second = _accepted(7), _accepted(8)
    extension = EXTENDED.model_copy(update={"seq": 9, "ends_at": EXTENDED.ends_at + timedelta(minutes=5)})

    news = _over_the_wire(decision_news([first, second, extension]))

    for bid in (first, second):
        state = announced_decision(news[str(bid.bid_id)]).state
        assert (state.seq, state.bid_count, state.ends_at) == (9, 8, extension.ends_at)
    late = _over_the_wire(decision_news([second, first]))  # an older state never replaces a newer one
    assert announced_decision(late[str(first.bid_id)]).state.seq == 8


def test_no_state_is_sent_for_an_item_the_batch_closed_or_a_refusal_of_an_ended_auction():
    bid = _accepted(7)
    closed_in_batch = _over_the_wire(decision_news([bid, CLOSED]))
    ended = REJECTED.model_copy(update={"reason_code": RejectReason.CLOSED, "reason": "This auction has ended."})
    refused_as_ended = _over_the_wire(decision_news([bid, ended]))

    closed_first = _over_the_wire(decision_news([CLOSED, bid]))  # the close comes on another topic: any order

    assert announced_decision(closed_in_batch[str(bid.bid_id)]).state is None
    assert announced_decision(closed_first[str(bid.bid_id)]).state is None
    assert announced_decision(refused_as_ended[str(bid.bid_id)]).state is None
    assert announced_decision(refused_as_ended[str(ended.bid_id)]).state is None
    assert announced_decision(refused_as_ended[str(ended.bid_id)]).bid.reason == "This auction has ended."


def test_news_that_cannot_be_used_is_none_so_the_waiter_reads_the_rows():
    unknown = REJECTED.model_copy(update={"reason_code": RejectReason.UNKNOWN_ITEM, "state": None})
    good = _over_the_wire(decision_news([ACCEPTED]))[str(ACCEPTED.bid_id)]

    assert announced_decision(_over_the_wire(decision_news([unknown]))[str(unknown.bid_id)]) is None
    good = json.loads(good)
    assert announced_decision(None) is None
    assert announced_decision('["not", "news"]') is None and announced_decision("{not json") is None
    assert announced_decision(json.dumps({**good, "type": "auction.item.listed.v1"})) is None
    assert announced_decision(json.dumps({**good, "event": {**good["event"], "amount": "lots"}})) is None


@given(
    kinds=st.lists(st.sampled_from(["bid", "extension"]), min_size=1, max_size=8).map(lambda kinds: ["bid", *kinds]),
    close_at=st.none() | st.integers(min_value=0, max_value=9),
)
def test_the_state_sent_is_the_one_the_batch_leaves_in_the_items_row(kinds, close_at):
    """Bids and extensions come in seq order (one topic, keyed by item); a close may come anywhere in the batch."""
    events, row, bids = [], None, []
    for seq, kind in enumerate(kinds, start=7):
        if kind == "bid":
            event = _accepted(seq)
            bids.append(event)
            row = event.state  # the row as the projector leaves it, folded in seq order
        else:
            event = EXTENDED.model_copy(update={"seq": seq, "ends_at": EXTENDED.ends_at + timedelta(minutes=seq)})
            row = row.model_copy(update={"ends_at": event.ends_at, "seq": seq})
        events.append(event)
    if close_at is not None:
        events.insert(min(close_at, len(events)), CLOSED)
        row = None

    news = _over_the_wire(decision_news(events))

    assert {announced_decision(news[str(bid.bid_id)]).state for bid in bids} == {row}
