"""A bid's id from its client's attempt key, so that a request sent again is the same bid.

The API takes the key from the `Idempotency-Key` header; the item page writes a fresh one into
every bid form it renders, so a double click or a form sent again from the browser's history is
one bid. The id is a name-based UUID of the bidder, the item and the key. The bidding processor
answers each bid id once (`streams.processors.bidding_stores`), so a retry after a timeout or an
uncertain 503 gets the first attempt's decision instead of placing a second bid.
"""
import re
import uuid

NAMESPACE = uuid.UUID("b27964a7-045f-41d8-8c3f-3b079663c43f")
KEY = re.compile(r"[\x21-\x7e]{1,255}")
"""Visible ASCII, 1 to 255 characters: a UUID, a ULID or any token a client makes up."""
MALFORMED = "An Idempotency-Key is 1 to 255 visible ASCII characters (a UUID is a good choice)."


def attempt_key_valid(key: str) -> bool:
    return KEY.fullmatch(key) is not None


def bid_attempt_id(*, bidder_id: int, item_id: uuid.UUID, key: str) -> uuid.UUID:
    """The same for every attempt of one bidder with one key on one item; never a random (version 4) id."""
    return uuid.uuid5(NAMESPACE, f"{bidder_id}/{item_id}/{key}")


def new_attempt_key() -> str:
    return uuid.uuid4().hex
