import dataclasses
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auction.notifications.audience import (
    closing_notices,
    ending_soon_notice,
    lost_lead,
    outbid_notice,
    throttle_allows,
)
from auction.notifications.kinds import Kind
from streams.events import Outcome
from tests.unit.notifications.builders import FACTS, SELLER, T0, accepted, closed

bid_maps = st.dictionaries(st.integers(2, 10_000), st.integers(1, 10**9), max_size=30)
"""Bidder id → highest bid; bidder ids never equal the seller's."""


def _by_recipient(notices):
    return {notice.recipient_id: notice for notice in notices}


@given(bids=bid_maps.filter(bool), data=st.data())
def test_a_sale_tells_the_winner_the_seller_and_every_other_bidder_once(bids, data):
    winner = data.draw(st.sampled_from(sorted(bids)))
    notices = closing_notices(closed(Outcome.SOLD, winner=winner, final=bids[winner], high=bids[winner]), FACTS, bids)

    told = _by_recipient(notices)
    assert len(told) == len(notices), "nobody hears twice"
    assert set(told) == set(bids) | {SELLER}
    assert told[winner].kind is Kind.WON and told[winner].details["price"] == bids[winner]
    assert told[winner].details["seller_id"] == SELLER
    assert told[SELLER].kind is Kind.SOLD and told[SELLER].details["buyer_id"] == winner
    for bidder in set(bids) - {winner}:
        assert told[bidder].kind is Kind.LOST
        assert told[bidder].details["your_bid"] == bids[bidder]
        assert told[bidder].details["price"] == bids[winner]


@given(bids=bid_maps, buyer=st.integers(2, 10_000))
def test_buy_now_tells_only_the_buyer_and_the_seller(bids, buyer):
    notices = closing_notices(closed(Outcome.BOUGHT_NOW, winner=buyer, final=9000), FACTS, bids)

    assert {(n.recipient_id, n.kind) for n in notices} == {(buyer, Kind.WON), (SELLER, Kind.SOLD)}
    assert all(n.details["price"] == 9000 and n.details["outcome"] == "bought_now" for n in notices)


@given(bids=bid_maps.filter(bool))
def test_reserve_not_met_tells_the_seller_the_high_bid_and_every_bidder(bids):
    high = max(bids.values())
    notices = closing_notices(closed(Outcome.RESERVE_NOT_MET, high=high, bids=len(bids)), FACTS, bids)

    told = _by_recipient(notices)
    assert len(told) == len(notices)
    assert told.pop(SELLER).details == {**told_about(), "outcome": "reserve_not_met", "high_bid": high, "bid_count": len(bids)}
    assert {bidder: (n.kind, n.details["your_bid"], n.details["high_bid"]) for bidder, n in told.items()} == {
        bidder: (Kind.ENDED, bid, high) for bidder, bid in bids.items()
    }


def test_no_bids_tells_only_the_seller():
    notices = closing_notices(closed(Outcome.NO_BIDS), FACTS, {})

    assert [(n.recipient_id, n.kind, n.details["high_bid"]) for n in notices] == [(SELLER, Kind.UNSOLD, None)]


@given(bids=bid_maps)
def test_a_cancellation_tells_the_seller_and_every_bidder(bids):
    facts = dataclasses.replace(FACTS, cancel_reason="Damaged in storage")
    notices = closing_notices(closed(Outcome.CANCELLED), facts, bids)

    told = _by_recipient(notices)
    assert set(told) == set(bids) | {SELLER} and len(told) == len(notices)
    assert all(n.kind is Kind.CANCELLED and n.details["reason"] == "Damaged in storage" for n in notices)
    assert told[SELLER].details["your_bid"] is None


def told_about():
    return {"item_id": FACTS.item_id, "title": FACTS.title, "image_url": FACTS.image_url, "currency": "EUR"}


@pytest.mark.parametrize(
    ("previous", "leader", "loser"),
    [
        (None, 7, None),  # first bid: nobody led
        (7, 7, None),  # the leader raised their own bid
        (7, 8, 7),  # someone took the lead
    ],
)
def test_only_a_change_of_leader_outbids_someone(previous, leader, loser):
    assert lost_lead(accepted(bidder=8, amount=500, previous_leader=previous, leader=leader)) == loser


def test_a_bid_a_proxy_beats_at_once_outbids_nobody():
    """Bidder 8 bid, but 7's proxy ceiling was higher: 7 still leads, so nobody lost the lead."""
    assert outbid_notice(accepted(bidder=8, amount=500, previous_leader=7, leader=7), FACTS, 400) is None


def test_the_outbid_notice_tells_the_new_price_and_the_loser_s_own_bid():
    notice = outbid_notice(accepted(bidder=8, amount=700, previous_leader=7, leader=8), FACTS, 650)

    assert (notice.recipient_id, notice.kind) == (7, Kind.OUTBID)
    assert (notice.details["price"], notice.details["your_bid"]) == (700, 650)


THROTTLE = timedelta(minutes=10)


@given(st.integers(0, 3600), st.integers(0, 3600))
def test_throttle_allows_once_per_window_and_never_before_the_last_notice(last_offset, offset):
    last, at = T0 + timedelta(seconds=last_offset), T0 + timedelta(seconds=offset)
    assert throttle_allows(last, at, THROTTLE) == (offset - last_offset >= THROTTLE.total_seconds())
    assert throttle_allows(None, at, THROTTLE)


def test_sellers_get_no_reminder_for_their_own_item():
    assert ending_soon_notice(SELLER, FACTS, 1000, T0) is None
    assert ending_soon_notice(5, FACTS, 1000, T0).kind is Kind.ENDING_SOON
