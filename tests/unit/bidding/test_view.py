from dataclasses import fields

from streams.bidding import PublicView, public_view
from tests.unit.bidding.builders import END, auction, bid

PUBLIC_FIELDS = {
    "price",
    "leader_id",
    "leader_name",
    "bid_count",
    "reserve_met",
    "ends_at",
    "buy_now_available",
    "seq",
    "minimum_next_bid",
}


def test_the_public_view_has_only_public_fields():
    assert {f.name for f in fields(PublicView)} == PUBLIC_FIELDS


def test_the_public_view_of_a_proxy_auction_with_a_reserve():
    state = auction(bid(2, 10_00, 43_21), bid(3, 12_00), reserve_price=98_76, buy_now_price=150_00)
    assert public_view(state) == PublicView(
        price=12_50,
        leader_id=2,
        leader_name="bidder 2",
        bid_count=2,
        reserve_met=False,
        ends_at=END,
        buy_now_available=True,
        seq=2,
        minimum_next_bid=13_00,
    )
