"""A listing's item id from an attempt key, and when two attempts carry the same terms."""
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, strategies as st

from auction.catalog.attempts import listing_attempt_id, photo_digests, terms_digest
from streams.events import ItemListed
from streams.money import Money

keys = st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=255)
sellers = st.integers(min_value=1, max_value=2**40)
START = datetime(2026, 5, 1, 12, 0, tzinfo=timezone.utc)


@given(sellers, keys)
def test_an_attempt_names_one_item_id_and_never_a_random_one(seller_id, key):
    item_id = listing_attempt_id(seller_id=seller_id, key=key)

    assert item_id == listing_attempt_id(seller_id=seller_id, key=key)
    assert item_id.version == 5  # listings without a key get random (version 4) ids: the two kinds never meet


@given(sellers, sellers, keys, keys)
def test_other_sellers_or_keys_name_other_items(seller_a, seller_b, key_a, key_b):
    a = listing_attempt_id(seller_id=seller_a, key=key_a)
    b = listing_attempt_id(seller_id=seller_b, key=key_b)

    assert (a == b) == ((seller_a, key_a) == (seller_b, key_b))


def _listed(*, starts_at: datetime = START, seconds: int = 3600, **changes) -> ItemListed:
    fields = dict(
        item_id="6a4c3f8e-1f7b-4d5e-9c1a-2b3c4d5e6f70", seller_id=7, seller_name="maria", title="Brass lamp",
        description="Works.", category="home", image_urls=("/media/items/a.jpg",), location="Lyon",
        starting_price=Money(minor=20_00), reserve_price=Money(minor=30_00), buy_now_price=None,
        starts_at=starts_at, ends_at=starts_at + timedelta(seconds=seconds),
    )
    return ItemListed(**(fields | changes))


def test_what_the_server_sets_is_not_part_of_the_terms():
    first = _listed()
    again = _listed(starts_at=START + timedelta(seconds=5), item_id="0f6ac8a5-95c4-4b1e-8d59-3f1e4e0e9a11",
                    image_urls=("/media/items/b.jpg",))

    assert terms_digest(first, pictures=["p"]) == terms_digest(again, pictures=["p"])


@pytest.mark.parametrize(
    "changes",
    [
        {"title": "Brass lamp, pair"},
        {"description": "Works, new cable."},
        {"category": "books"},
        {"location": "Paris"},
        {"starting_price": Money(minor=21_00)},
        {"reserve_price": None},
        {"reserve_price": Money(minor=31_00)},
        {"buy_now_price": Money(minor=90_00)},
        {"seconds": 7200},
    ],
    ids=lambda changes: next(iter(changes)),
)
def test_any_term_the_seller_chose_changes_the_digest(changes):
    assert terms_digest(_listed(), pictures=["p"]) != terms_digest(_listed(**changes), pictures=["p"])


def test_other_photos_or_photos_in_another_order_are_other_terms():
    one, two = photo_digests([b"first photo", b"second photo"])

    assert photo_digests([b"first photo"]) == [one]
    assert len({terms_digest(_listed(), pictures=pictures) for pictures in ([one, two], [two, one], [one], [])}) == 4
