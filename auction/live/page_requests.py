"""What a page may ask over its socket: to follow an item, or to stop (pure).

    {"type": "subscribe", "item": "<id>"}     → {"type": "subscribed", "item": "<id>"}
    {"type": "unsubscribe", "item": "<id>"}   → {"type": "unsubscribed", "item": "<id>"}

Anything else is answered `{"type": "error", "code": …, "message": …}` and changes nothing:
`bad_request` (not one of these), `unknown_item` (no such item: no group is joined),
`too_many_subscriptions` (the socket follows `LIVE_MAX_SUBSCRIPTIONS` items already).
"""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

MAX_REQUEST_BYTES = 512
"""A request is a few dozen bytes; anything longer is refused unread."""


@dataclass(frozen=True)
class Follow:
    item_id: uuid.UUID
    follow: bool
    """True to subscribe, False to unsubscribe."""


class BadRequest(ValueError):
    """Why a frame from the page is not a request, in words."""


def parse_request(text: str | None) -> Follow:
    """The request a text frame makes; `BadRequest` otherwise."""
    if text is None:
        raise BadRequest("Send requests as JSON text.")
    if len(text.encode()) > MAX_REQUEST_BYTES:
        raise BadRequest(f"A request is at most {MAX_REQUEST_BYTES} bytes.")
    try:
        data = json.loads(text)
    except ValueError:
        raise BadRequest("A request is a JSON object.") from None
    if not isinstance(data, dict) or data.get("type") not in ("subscribe", "unsubscribe"):
        raise BadRequest('A request is {"type": "subscribe" or "unsubscribe", "item": "<item id>"}.')
    try:
        item_id = uuid.UUID(str(data.get("item")))
    except ValueError:
        raise BadRequest("“item” must be an item id.") from None
    return Follow(item_id=item_id, follow=data["type"] == "subscribe")


def error(code: str, message: str, **extra: str) -> dict:
    return {"type": "error", "code": code, "message": message, **extra}


UNKNOWN_ITEM = "There is no item with this id."


def too_many_subscriptions(limit: int) -> str:
    return f"A page follows at most {limit} items over one connection."
