"""Rules the payload models enforce beyond field types: the facts must make sense on their own."""
from datetime import datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from streams.events import (
    ALL_EVENTS,
    EVENT_TYPES,
    AuctionClosed,
    AuctionExtended,
    BidPlaced,
    ItemListed,
    Outcome,
)
from streams.events.examples import EXAMPLES
from streams.money import Money


def _changed(event, **changes):
    """Re-validate an example with some fields replaced (model_copy would skip validation)."""
    return type(event)(**{**dict(event), **changes})


def test_types_are_unique_versioned_and_past_tense_facts():
    assert len(EVENT_TYPES) == len(ALL_EVENTS)
    for event_type, event_class in EVENT_TYPES.items():
        assert event_type.startswith("auction.") and event_type.rsplit(".", 1)[1].startswith("v"), event_type
        assert event_class.key_field in event_class.model_fields


def test_every_event_type_has_a_valid_example():
    assert set(EXAMPLES) == set(ALL_EVENTS)
    for event_class, example in EXAMPLES.items():
        assert event_class.model_validate_json(example.model_dump_json()) == example


def test_unknown_fields_are_refused():
    with pytest.raises(ValidationError, match="extra"):
        _changed(EXAMPLES[BidPlaced], bid_amount=5)


def test_events_are_immutable():
    with pytest.raises(ValidationError):
        EXAMPLES[BidPlaced].bidder_name = "Mallory"


def test_times_must_carry_a_zone_and_are_kept_in_utc():
    with pytest.raises(ValidationError, match="timezone"):
        _changed(EXAMPLES[BidPlaced], placed_at=datetime(2025, 3, 8, 12, 0))
    berlin = timezone(timedelta(hours=1))
    bid = _changed(EXAMPLES[BidPlaced], placed_at=datetime(2025, 3, 8, 13, 0, tzinfo=berlin))
    assert bid.placed_at == datetime(2025, 3, 8, 12, 0, tzinfo=timezone.utc)
    assert bid.placed_at.utcoffset() == timedelta(0)


def test_ids_must_be_canonical_uuids():
    with pytest.raises(ValidationError):
        _changed(EXAMPLES[BidPlaced], item_id="item-42")
    with pytest.raises(ValidationError):
        _changed(EXAMPLES[BidPlaced], item_id=EXAMPLES[BidPlaced].item_id.upper())


def test_a_listing_ends_after_it_starts_and_prices_share_one_currency():
    listing = EXAMPLES[ItemListed]
    with pytest.raises(ValidationError, match="ends_at must be after"):
        _changed(listing, ends_at=listing.starts_at)
    with pytest.raises(ValidationError, match="currency"):
        _changed(listing, reserve_price=Money(minor=4000, currency="USD"))


def test_an_extension_moves_the_end_later():
    extension = EXAMPLES[AuctionExtended]
    with pytest.raises(ValidationError, match="ends_at must be after"):
        _changed(extension, ends_at=extension.previous_ends_at - timedelta(seconds=1))


@pytest.mark.parametrize("outcome", [Outcome.NO_BIDS, Outcome.RESERVE_NOT_MET, Outcome.CANCELLED])
def test_only_sales_have_a_winner(outcome):
    sold = EXAMPLES[AuctionClosed]
    with pytest.raises(ValidationError, match="has no winner"):
        _changed(sold, outcome=outcome)
    unsold = _changed(sold, outcome=outcome, winner_id=None, winner_name=None, final_price=None)
    assert unsold.high_bid == sold.high_bid


def test_a_sale_names_its_winner_and_price():
    with pytest.raises(ValidationError, match="needs winner_id"):
        _changed(EXAMPLES[AuctionClosed], final_price=None)


def test_the_key_is_the_item_id():
    for example in EXAMPLES.values():
        assert example.key() == example.item_id


def test_a_listing_gives_its_currency_and_prices_in_minor_units():
    listing = EXAMPLES[ItemListed]
    assert listing.prices_in_minor_units() == {
        "currency": "EUR", "starting_price": 2000, "reserve_price": 4000, "buy_now_price": 9000
    }
    plain = _changed(listing, starting_price=Money(minor=150, currency="GBP"), reserve_price=None, buy_now_price=None)
    assert plain.prices_in_minor_units() == {"currency": "GBP", "starting_price": 150, "reserve_price": None, "buy_now_price": None}
