from streams.analytics.suspicion import BidderSellerTotals, Pattern, Thresholds, candidates


def test_a_bidder_whose_bids_go_mostly_to_one_sellers_items_is_a_candidate():
    rows = [BidderSellerTotals(5, "eve", 1, auctions=3, bids=9, wins=0), BidderSellerTotals(5, "eve", 2, 1, 1, 1)]
    (found,) = [c for c in candidates(rows) if c.pattern is Pattern.ONE_SELLER]
    assert (found.bidder_id, found.seller_id, found.seller_share, found.bids) == (5, 1, 0.9, 10)


def test_many_bids_on_a_single_auction_say_nothing_about_a_seller():
    assert candidates([BidderSellerTotals(5, "eve", 1, auctions=1, bids=12, wins=0)]) == []


def test_a_bidder_who_keeps_raising_and_never_wins_is_a_candidate_and_one_win_clears_them():
    losing = [BidderSellerTotals(6, "mal", seller, auctions=1, bids=3, wins=0) for seller in (1, 2, 3)]
    assert [(c.bidder_id, c.pattern) for c in candidates(losing)] == [(6, Pattern.NEVER_WINS)]
    assert candidates(losing[:2] + [BidderSellerTotals(6, "mal", 3, 1, 3, wins=1)]) == []


def test_bidders_below_the_minimum_number_of_bids_are_not_judged():
    rows = [BidderSellerTotals(7, "bob", 1, auctions=2, bids=4, wins=0)]
    assert candidates(rows, Thresholds(min_bids=5)) == []
    assert candidates(rows, Thresholds(min_bids=4))[0].pattern is Pattern.ONE_SELLER
