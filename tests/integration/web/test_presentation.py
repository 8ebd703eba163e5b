"""The web tier's pure rules: name masking, time left, money for people, photo sniffing, feedback texts.

No servers needed; they live beside the page tests because they are the web tier's.
"""
from datetime import datetime, timedelta, timezone

import pydantic
import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from auction.accounts.masking import HIDDEN, mask_name, public_name
from auction.api.errors import django_error, pydantic_fields
from auction.api.openapi import openapi_path
from auction.api.shapes import Amount
from auction.bidding.feedback import bid_feedback
from auction.bidding.models import Bid
from auction.catalog.forms import duration_choices
from auction.catalog.presentation import time_left
from auction.catalog.photo_urls import is_own_picture
from auction.catalog.uploads import photo_content_type
from streams.money import Money

names = st.text(min_size=1, max_size=150)


@given(names)
def test_a_mask_keeps_only_the_first_and_last_letter(name):
    masked = mask_name(name)

    assert masked.startswith(name[0]) and HIDDEN in masked
    assert masked.replace(HIDDEN, "", 1) in (name[0], name[0] + name[-1])


@given(st.characters(), st.characters(), st.integers(min_value=1, max_value=40), st.integers(min_value=1, max_value=40))
def test_a_mask_does_not_reveal_the_length(first, last, one, other):
    assert mask_name(first + "x" * one + last) == mask_name(first + "y" * other + last)


def test_people_see_their_own_name():
    assert public_name("jonathan", person_id=7, viewer_id=7) == "jonathan"
    assert public_name("jonathan", person_id=7, viewer_id=8) == "j***n"
    assert public_name("jonathan", person_id=7, viewer_id=None) == "j***n"


NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(days=2, hours=5, minutes=3), "2d 5h"),
        (timedelta(hours=3, minutes=7, seconds=9), "3h 7m"),
        (timedelta(minutes=4, seconds=2), "4m 2s"),
        (timedelta(seconds=59), "59s"),
        (timedelta(0), "Ended"),
        (timedelta(seconds=-30), "Ended"),
    ],
)
def test_time_left_shows_the_two_largest_units(delta, text):
    assert time_left(NOW + delta, NOW) == text


@pytest.mark.parametrize(
    ("money", "text"),
    [(Money(minor=123_456_78), "€123,456.78"), (Money(minor=5, currency="USD"), "$0.05"), (Money(minor=1_00, currency="CHF"), "1.00 CHF")],
)
def test_money_for_people(money, text):
    assert money.display() == text


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("items/0a1b.jpg", "image/jpeg"),
        ("items/0a1b.png", "image/png"),
        ("items/0a1b.webp", "image/webp"),
        ("items/0a1b.gif", "image/gif"),
        ("items/0a1b.svg", None),
        ("items/0a1b.html", None),
        ("items/0a1b", None),
        ("items/.jpg", None),
        ("items/nested/0a1b.jpg", None),
        ("0a1b.jpg", None),
        ("secret_key", None),
    ],
)
def test_only_stored_photos_have_a_content_type_to_be_served_with(path, content_type):
    assert photo_content_type(path) == content_type


@pytest.mark.parametrize(
    ("url", "own"),
    [
        ("/media/items/0a1b.jpg", True),
        ("/static/demo/lamp.svg", True),
        ("https://img.example.com/lamp.jpg", False),
        ("//img.example.com/lamp.jpg", False),
        ("/\\img.example.com/lamp.jpg", False),
        ("/media/items/../../etc/passwd", False),
        ("/media/items/a.jpg?track=1", False),
        ("/media/items/%2e%2e/a.jpg", False),
        ("/elsewhere/a.jpg", False),
        ("javascript:alert(1)", False),
        ("", False),
        (None, False),
    ],
)
def test_a_picture_is_the_sites_own_only_as_a_plain_path_under_its_photos_or_static_files(url, own):
    assert is_own_picture(url) is own


@given(st.sampled_from(["http", "https", "ftp", "data", "javascript"]), st.text(min_size=1, max_size=40))
def test_no_address_with_a_scheme_is_the_sites_own(scheme, rest):
    assert not is_own_picture(f"{scheme}:{rest}")


def test_short_durations_are_offered_only_down_to_the_minimum():
    assert [seconds for seconds, _ in duration_choices(60)][:2] == [60, 300]
    assert [label for _, label in duration_choices(3600)] == ["1 day", "3 days", "5 days", "7 days", "10 days"]
    assert duration_choices(20)[:2] == [(20, "20 seconds"), (60, "1 minute")]


def _decision(**fields) -> Bid:
    return Bid(status=Bid.Status.REJECTED, currency="EUR", **fields)


def test_a_rejection_names_the_minimum_unless_the_reason_already_does():
    below = bid_feedback(
        _decision(reason_code="below_minimum", reason="Your bid must be at least 12.50 EUR.", minimum=12_50), bidder_id=1
    )
    mismatch = bid_feedback(
        _decision(reason_code="currency_mismatch", reason="This auction is in EUR.", minimum=12_50), bidder_id=1
    )

    assert below.message == "Your bid was not accepted: Your bid must be at least 12.50 EUR."
    assert mismatch.message == "Your bid was not accepted: This auction is in EUR. The minimum bid is €12.50."
    assert (below.status, below.minimum) == ("rejected", Money(minor=12_50))


def test_an_accepted_bid_says_who_leads():
    assert bid_feedback(Bid(status=Bid.Status.ACCEPTED, leader_after_id=1), bidder_id=1).leading is True
    assert bid_feedback(Bid(status=Bid.Status.ACCEPTED, leader_after_id=2), bidder_id=1).leading is False
    assert bid_feedback(None, bidder_id=1).status == "pending"


def test_django_routes_become_openapi_paths():
    assert openapi_path("items/<uuid:item_id>/bids") == "/items/{item_id}/bids"
    assert openapi_path("openapi.json") == "/openapi.json"


class _Priced(pydantic.BaseModel):
    amount: Amount


def test_validation_messages_are_for_people():
    with pytest.raises(pydantic.ValidationError) as raised:
        _Priced(amount="1.234")

    assert pydantic_fields(raised.value) == {"amount": "'1.234' has more than 2 decimal places"}
    assert django_error(ValidationError({"title": ["Too long."], "__all__": ["Nope."]})) == ("Nope.", {"title": "Too long."})
    assert django_error(ValidationError("Closed.")) == ("Closed.", {})
