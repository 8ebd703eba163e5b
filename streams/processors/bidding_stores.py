"""What the bidding processor keeps per partition, in three changelogged stores.

- `items`: the engine's state of every open auction, and of a closed one for a grace period.
- `decided`: the request ids (bids, buy-now requests) each kept item has answered, so a record
  replayed from upstream is recognised and answered nothing new. An item's ids live in chunks of
  at most `CHUNK` ids under keys `<item id>/<n>`: a record in the changelog stays small however
  many bids an item draws, and a batch rewrites only an item's last chunk.
- `closed`: item id → [stream time of the close in ms, outcome] for auctions whose state was
  evicted, so a late request is still answered "closed" (or "cancelled") until the index forgets
  the item too.

Values are immutable (the store journals what each write replaced): a chunk grows by replacement,
a tuple while it fills, then a frozenset.
"""
from __future__ import annotations

import json

from streams import bidding
from streams.runtime.state import KeyValueStore, Serde, Store

CHUNK = 128
"""Request ids per chunk of an item's decided ids."""


def _dumps(value) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def _chunk(ids: list[str]) -> tuple[str, ...] | frozenset[str]:
    """A full chunk is a frozenset (looked up); the last one, still filling, a tuple (cheap to grow)."""
    return frozenset(ids) if len(ids) >= CHUNK else tuple(ids)


ITEMS = Store(
    "items",
    Serde(
        dumps=lambda state: _dumps(state.to_dict()),
        loads=lambda raw: bidding.PrivateAuctionState.from_dict(json.loads(raw)),
    ),
)
DECIDED = Store("decided", Serde(dumps=lambda ids: _dumps(list(ids)), loads=lambda raw: _chunk(json.loads(raw))))
CLOSED = Store("closed", Serde(dumps=_dumps, loads=lambda raw: tuple(json.loads(raw))))


def first_decision(decided: KeyValueStore, item_id: str, request_id: str) -> bool:
    """Remember that `request_id` is being answered; False when it was answered before."""
    get, n, last = decided.get, 0, None
    while (chunk := get(f"{item_id}/{n}")) is not None:
        if request_id in chunk:
            return False
        last, n = chunk, n + 1
    if type(last) is tuple and len(last) < CHUNK:
        decided.set(f"{item_id}/{n - 1}", _chunk([*last, request_id]) if len(last) + 1 == CHUNK else (*last, request_id))
    else:
        decided.set(f"{item_id}/{n}", (request_id,))
    return True


def forget_decisions(decided: KeyValueStore, item_id: str) -> None:
    n = 0
    while (key := f"{item_id}/{n}") in decided:
        decided.delete(key)
        n += 1
