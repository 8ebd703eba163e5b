from streams.analytics.facts import AcceptedBid, Close, Extension, Listing, fact_of
from streams.events import AuctionCancelled, AuctionClosed, AuctionExtended, BidAccepted, BidRejected, Envelope, ItemListed
from streams.events.examples import EXAMPLES


def _envelope(event_class) -> Envelope:
    return Envelope(id="e-1", type=event_class.type, source="/test", time=EXAMPLES[AuctionExtended].ends_at, event=EXAMPLES[event_class])


def test_facts_carry_the_event_time_from_the_event_itself():
    listed, accepted, closed = (EXAMPLES[c] for c in (ItemListed, BidAccepted, AuctionClosed))
    listing = fact_of(_envelope(ItemListed))
    bid = fact_of(_envelope(BidAccepted))
    close = fact_of(_envelope(AuctionClosed))
    assert isinstance(listing, Listing) and listing.at == listed.starts_at and listing.category == listed.category
    assert (listing.currency, listing.starting_price, listing.reserve_price, listing.buy_now_price) == ("EUR", 2000, 4000, 9000)
    assert isinstance(bid, AcceptedBid) and bid.at == accepted.decided_at
    assert (bid.amount, bid.price) == (accepted.amount.minor, accepted.state.price.minor)
    assert isinstance(close, Close) and close.at == closed.closed_at and close.outcome == closed.outcome.value


def test_an_extension_takes_its_cloudevents_time_and_id():
    extension = fact_of(_envelope(AuctionExtended))
    assert isinstance(extension, Extension)
    assert (extension.event_id, extension.at) == ("e-1", EXAMPLES[AuctionExtended].ends_at)


def test_rejections_and_cancellations_are_not_measured():
    assert fact_of(_envelope(BidRejected)) is None
    assert fact_of(_envelope(AuctionCancelled)) is None
