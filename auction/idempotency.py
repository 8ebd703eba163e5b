"""Attempt keys: what makes a request sent again the same request (a bid, a listing), not a second one.

The API takes the key from the `Idempotency-Key` header; the pages write a fresh one into every
form they render, so a double click or a form sent again from the browser's history is one
write. Each app names its own ids from the key (`auction.bidding.attempts`,
`auction.catalog.attempts`); the rules on the key itself and the refusal of a key used for
something else are here.
"""
import re
import uuid

HEADER = "Idempotency-Key"
KEY = re.compile(r"\A[\x21-\x7e]{1,255}\Z")
"""Visible ASCII, 1 to 255 characters: a UUID, a ULID or any token a client makes up. Anchored, for the
forms' `RegexField`, which searches rather than matches."""
MALFORMED = "An Idempotency-Key is 1 to 255 visible ASCII characters (a UUID is a good choice)."


class AttemptConflict(Exception):
    """The key was used for another request (another amount, other listing terms): a 409, nothing written."""


def attempt_key_valid(key: str) -> bool:
    return KEY.fullmatch(key) is not None


def new_attempt_key() -> str:
    return uuid.uuid4().hex
