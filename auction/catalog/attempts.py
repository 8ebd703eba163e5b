"""A listing's item id from its seller's attempt key (`auction.idempotency`), and what makes two attempts the same listing.

The id is a name-based UUID of the seller and the key, so a listing sent again after an
uncertain 503 or a timeout, or a sell form sent twice, names the same item, and no other
seller's. `terms_digest` says whether an attempt sent again carries the same terms: everything
the seller chose, not the start and end times the server sets when it first sees the listing.
"""
import hashlib
import json
import uuid
from collections.abc import Sequence

from streams.events import ItemListed

NAMESPACE = uuid.UUID("5d0c6f0e-8f44-4a43-9a0e-7c6a3a0b6f21")
SET_BY_THE_SERVER = {"item_id", "seller_name", "starts_at", "ends_at", "image_urls"}
"""Left out of the terms: the id and times the server sets, the seller's name (read, not chosen), and the
photos' addresses (a form sent again stores its photos again, under new names: the caller says what they are)."""


def listing_attempt_id(*, seller_id: int, key: str) -> uuid.UUID:
    """The same for every attempt of one seller with one key; never a random (version 4) id."""
    return uuid.uuid5(NAMESPACE, f"{seller_id}/{key}")


def terms_digest(event: ItemListed, *, pictures: Sequence[str]) -> str:
    """A digest of the listing's terms: its fields but those the server sets, its duration and `pictures`
    (the photos' addresses, or digests of their contents, in order)."""
    terms = event.model_dump(mode="json", exclude=SET_BY_THE_SERVER)
    terms |= {"duration_seconds": int((event.ends_at - event.starts_at).total_seconds()), "pictures": list(pictures)}
    return hashlib.sha256(json.dumps(terms, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def photo_digests(contents: Sequence[bytes]) -> list[str]:
    """What a form's photos are, whatever names they are stored under."""
    return [hashlib.sha256(content).hexdigest() for content in contents]
