"""A bid's id from an attempt key: the same request sent again is the same bid, and no one else's."""
import uuid

from hypothesis import given, strategies as st

from auction.bidding.attempts import bid_attempt_id
from auction.idempotency import attempt_key_valid, new_attempt_key

keys = st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=255)
items = st.uuids(version=4)
bidders = st.integers(min_value=1, max_value=2**40)


@given(bidders, items, keys)
def test_an_attempt_names_one_bid_id_and_never_a_random_one(bidder_id, item_id, key):
    bid_id = bid_attempt_id(bidder_id=bidder_id, item_id=item_id, key=key)

    assert bid_id == bid_attempt_id(bidder_id=bidder_id, item_id=item_id, key=key)
    assert bid_id.version == 5  # random bid ids are version 4: the two kinds never meet
    assert attempt_key_valid(key)


@given(bidders, bidders, items, items, keys, keys)
def test_other_bidders_items_or_keys_name_other_bids(bidder_a, bidder_b, item_a, item_b, key_a, key_b):
    same = (bidder_a, item_a, key_a) == (bidder_b, item_b, key_b)

    a = bid_attempt_id(bidder_id=bidder_a, item_id=item_a, key=key_a)
    b = bid_attempt_id(bidder_id=bidder_b, item_id=item_b, key=key_b)

    assert (a == b) == same


def test_keys_are_visible_ascii_of_at_most_255_characters():
    assert attempt_key_valid(str(uuid.uuid4())) and attempt_key_valid(new_attempt_key())
    assert not any(attempt_key_valid(key) for key in ("", "x" * 256, "two words", "naïve", "tab\t", "line\n"))
    assert new_attempt_key() != new_attempt_key()
