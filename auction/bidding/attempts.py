"""A bid's id from its client's attempt key (`auction.idempotency`), so that a request sent again is the same bid.

The id is a name-based UUID of the bidder, the item and the key. The bidding processor answers
each bid id once (`streams.processors.bidding_stores`), so a retry after a timeout or an uncertain
503 gets the first attempt's decision instead of placing a second bid.
"""
import uuid

NAMESPACE = uuid.UUID("b27964a7-045f-41d8-8c3f-3b079663c43f")


def bid_attempt_id(*, bidder_id: int, item_id: uuid.UUID, key: str) -> uuid.UUID:
    """The same for every attempt of one bidder with one key on one item; never a random (version 4) id."""
    return uuid.uuid5(NAMESPACE, f"{bidder_id}/{item_id}/{key}")
