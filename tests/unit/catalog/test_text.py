"""Free text is normalized first and measured after: what is accepted fits its limit as published.

The rules are shared by the API, the forms and the services, and their limits are the event
schemas' own, so these tests tie all four together without any server.
"""
import json
import unicodedata

import pydantic
import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.core.exceptions import ValidationError
from hypothesis import example, given
from hypothesis import strategies as st

from auction.api.errors import pydantic_fields
from auction.api.items import NewItem
from auction.api.users import NewUser
from auction.catalog.services import listing_event
from auction.fields import RuledTextField
from auction.text import (
    DESCRIPTION,
    EMAIL,
    LIFT_REASON,
    LOCATION,
    NULL_CHARACTERS,
    REASON,
    SEARCH,
    TITLE,
    USERNAME,
    TextProblem,
    email_address,
    place_name,
    trimmed,
    user_name,
)
from streams.events import (
    AuctionCancelled,
    AuctionEndRequested,
    AuctionExtensionRequested,
    BidPlaced,
    InvalidEvent,
    ItemListed,
    decode,
    encode,
)
from streams.events.examples import EXAMPLES
from streams.money import Money

RULES = [TITLE, DESCRIPTION, LOCATION, SEARCH, USERNAME, EMAIL, REASON, LIFT_REASON]
EXPANDING = "İ"  # one character, two once lower-cased: "İİ" → "İi̇"

# Any text, with a good share of the letters whose case mapping changes the length, and whitespace.
tricky = st.sampled_from(["İ", "ŉ", "ß", "ﬃ", "ΐ", "ǰ", "ﷺ", "Σ", "i̇", " ", "\t", "\r\n", "\u00a0", "\x1c", "a", "A"])
texts = st.lists(st.one_of(tricky, st.characters(exclude_categories=["Cs"])), max_size=80).map("".join)


def _over(rule, raw):
    with pytest.raises(TextProblem) as refused:
        rule.clean(raw)
    return str(refused.value)


# --- the rules ------------------------------------------------------------------------


def test_a_location_that_grows_past_the_limit_when_capitalized_is_refused_naming_field_and_limit():
    raw = EXPANDING * LOCATION.max_length

    message = _over(LOCATION, raw)

    assert len(raw) == 120 and len(place_name(raw)) == 239
    assert message.startswith("Location must be at most 120 characters")
    assert "239" in message and "capitalized" in message


def test_text_exactly_at_the_limit_once_normalized_is_accepted():
    assert LOCATION.clean("  " + "x" * 120 + "  ") == "X" + "x" * 119
    assert TITLE.clean("t" * 120) == "t" * 120
    assert len(LOCATION.clean(EXPANDING * 60 + "a" * 1)) == 120  # İ + 59 × "i̇" + "a"


def test_whitespace_does_not_count_against_the_limit():
    assert LOCATION.clean("new" + " " * 500 + "york") == "New York"
    assert DESCRIPTION.clean("\n" * 10 + "d" * 5000 + "  ") == "d" * 5000


@pytest.mark.parametrize(
    ("rule", "raw", "problem"),
    [
        (TITLE, "x" * 121, "Title must be at most 120 characters (this has 121)."),
        (TITLE, "   ", "Title must have at least 1 character other than spaces."),
        (TITLE, "lamp\x00", NULL_CHARACTERS),
        (
            USERNAME,
            "ﷺ" * 10,
            "Username must be at most 150 characters as the site stores it, in Unicode normal form (NFKC): "
            "this one then has 180.",
        ),
        (USERNAME, "", "Enter a username."),
        (
            EMAIL,
            "a@" + EXPANDING * 252,
            "Email address must be at most 254 characters as the site stores it, with its domain in lower case: "
            "this one then has 506.",
        ),
        (REASON, " ", "Say why, for the audit trail."),
        (REASON, "r" * 501, "The reason must be at most 500 characters (this has 501)."),
        (SEARCH, "q" * 101, "The search must be at most 100 characters (this has 101)."),
    ],
)
def test_each_problem_is_said_in_words_naming_the_field(rule, raw, problem):
    assert _over(rule, raw) == problem


def test_optional_text_may_be_empty():
    assert SEARCH.clean("   ") == "" and LIFT_REASON.clean("") == ""


def test_line_breaks_are_counted_as_one_character():
    assert DESCRIPTION.clean("one\r\ntwo\rthree") == "one\ntwo\nthree"


def test_a_letter_that_title_cases_into_two_is_spelt_one_way():
    assert "ŉ".capitalize() == "ʼN" and "ʼN".capitalize() == "ʼn"  # why one pass of capitalize is not enough
    assert place_name("ŉ") == place_name("ʼN") == place_name("ʼn") == "ʼn"


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: f"{rule.label}/{rule.max_length}")
@given(raw=texts)
@example(raw=EXPANDING * 120)
@example(raw="ŉ" * 3)
def test_whatever_is_accepted_fits_once_normalized_and_cleaning_again_changes_nothing(rule, raw):
    try:
        text = rule.clean(raw)
    except TextProblem:
        normalized = rule.normalize(raw)
        assert len(normalized) > rule.max_length or "\x00" in normalized or (rule.required and not normalized)
        return
    assert len(text) <= rule.max_length
    assert text == rule.normalize(raw) and "\x00" not in text
    assert text or not rule.required
    assert rule.clean(text) == text


@pytest.mark.parametrize("normalize", [trimmed, place_name, user_name, email_address])
@given(raw=texts)
@example(raw="ŉ")
@example(raw="x@" + EXPANDING)
def test_normalizing_is_idempotent(normalize, raw):
    once = normalize(raw)
    assert normalize(once) == once


@given(raw=texts)
def test_a_place_name_has_single_spaces_and_no_surrounding_whitespace(raw):
    name = place_name(raw)
    assert name == name.strip()
    assert name.split() == (name.split(" ") if name else [])


@given(local=texts, domain=texts)
def test_emails_are_normalized_as_django_saves_them(local, domain):
    address = email_address(f"{local}@{domain}")
    assert BaseUserManager.normalize_email(address) == address


@given(raw=texts)
@example(raw="ﷺ")
def test_usernames_are_normalized_as_django_saves_them(raw):
    name = user_name(raw)
    assert AbstractBaseUser.normalize_username(name) == name == unicodedata.normalize("NFKC", name)


# --- the limits are the event schemas' and the accounts table's -----------------------


@pytest.mark.parametrize(
    ("event_class", "field", "rule"),
    [
        (ItemListed, "title", TITLE),
        (ItemListed, "description", DESCRIPTION),
        (ItemListed, "location", LOCATION),
        (ItemListed, "seller_name", USERNAME),
        (BidPlaced, "bidder_name", USERNAME),
        (AuctionCancelled, "reason", REASON),
        (AuctionEndRequested, "reason", REASON),
        (AuctionExtensionRequested, "reason", REASON),
    ],
)
def test_each_event_field_has_the_limit_the_edge_checks(event_class, field, rule):
    assert event_class.model_json_schema()["properties"][field]["maxLength"] == rule.max_length


def test_names_and_emails_fit_the_accounts_table():
    user = get_user_model()
    assert user._meta.get_field("username").max_length == USERNAME.max_length
    assert user._meta.get_field("email").max_length == EMAIL.max_length


def test_a_record_that_bypassed_the_edge_is_refused_by_the_decoder():
    record = encode(EXAMPLES[ItemListed], source="web")
    payload = json.loads(record.value)
    payload["location"] = place_name(EXPANDING * 120)

    with pytest.raises(InvalidEvent, match="location"):
        decode(record.headers, record.key, json.dumps(payload).encode())


# --- the three places that use the rules ----------------------------------------------


def _new_item(**changes) -> dict:
    return {"title": "Lamp", "description": "Bright.", "category": "home", "location": "lyon", "starting_price": "5"} | changes


def test_the_api_refuses_a_location_too_long_once_normalized_and_takes_one_at_the_limit():
    with pytest.raises(pydantic.ValidationError) as refused:
        NewItem.model_validate(_new_item(location=EXPANDING * 120))

    assert pydantic_fields(refused.value) == {"location": _over(LOCATION, EXPANDING * 120)}
    assert NewItem.model_validate(_new_item(location="  y" * 40)).location == " ".join(["Y"] * 40)
    assert len(NewItem.model_validate(_new_item(location="l" * 120)).location) == 120


def test_the_api_documents_the_limits():
    schema = NewItem.model_json_schema()["properties"]
    assert (schema["title"]["maxLength"], schema["location"]["maxLength"]) == (120, 120)
    assert NewUser.model_json_schema()["properties"]["username"]["maxLength"] == 150


def test_a_form_field_refuses_with_the_rules_message_and_returns_the_normalized_text():
    field = RuledTextField(LOCATION)

    with pytest.raises(forms.ValidationError) as refused:
        field.clean(EXPANDING * 120)

    assert refused.value.messages == [_over(LOCATION, EXPANDING * 120)]
    assert field.clean("  lyon,   france ") == "Lyon, France"
    assert field.widget_attrs(field.widget)["maxlength"] == "120"  # the browser's hint is the same limit


def test_the_service_refuses_what_the_schema_would_refuse_whoever_calls_it(settings):
    settings.AUCTION_MIN_DURATION_SECONDS = 60
    listing = dict(
        seller_id=1, seller_name="seller", title="Lamp", description="Bright.", category="home", image_urls=[],
        starting_price=Money.parse("5"), reserve_price=None, buy_now_price=None, duration_seconds=86400,
    )

    with pytest.raises(ValidationError) as refused:
        listing_event(location=EXPANDING * 120, **listing)

    assert refused.value.message_dict == {"location": [_over(LOCATION, EXPANDING * 120)]}
    assert listing_event(location="new   york", **listing).location == "New York"
