"""Events into the engine's terms and decisions back into events: nothing is lost or changed on the way."""
from datetime import datetime, timezone

from streams import bidding
from streams.events import BidAccepted, BidPlaced, ItemListed
from streams.events.examples import EXAMPLES
from streams.money import Money
from streams.processors.bidding_translate import accepted_event, terms_of

DECIDED_AT = datetime(2025, 3, 8, 18, 59, 31, tzinfo=timezone.utc)


def test_an_accepted_bid_repeats_the_bid_as_placed():
    placed = EXAMPLES[BidPlaced]
    view = bidding.PublicView(
        price=4200, leader_id=17, leader_name="Ana", bid_count=5, reserve_met=True,
        ends_at=EXAMPLES[BidAccepted].state.ends_at, buy_now_available=False, seq=7, minimum_next_bid=4300,
    )
    decision = bidding.Accepted(previous_leader_id=21, outbid_immediately=False, view=view, extended=None)

    accepted = accepted_event(placed, decision, DECIDED_AT)

    assert (accepted.bid_id, accepted.item_id, accepted.bidder_id, accepted.bidder_name, accepted.amount) == (
        placed.bid_id, placed.item_id, 17, "Ana", Money(minor=4200, currency="EUR")
    )
    assert (accepted.previous_leader_id, accepted.state.price, accepted.decided_at) == (21, placed.amount, DECIDED_AT)


def test_a_listing_becomes_terms_in_minor_units():
    listing = EXAMPLES[ItemListed]

    terms = terms_of(listing)

    assert (terms.item_id, terms.seller_id, terms.ends_at) == (listing.item_id, 3, listing.ends_at)
    assert (terms.currency, terms.starting_price, terms.reserve_price, terms.buy_now_price) == ("EUR", 2000, 4000, 9000)
