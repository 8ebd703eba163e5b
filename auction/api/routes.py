"""The API's route table: the URL map and the OpenAPI document are both generated from it."""
import functools
import json

from django.http import HttpRequest, HttpResponse

from auction.api import PREFIX
from auction.api.bids import BID_IDEMPOTENCY, BidHistory, BidReply, NewBid, list_bids, bid_create
from auction.api.items import (
    LISTING_IDEMPOTENCY, ItemQuery, ItemReply, ItemsPage, NewItem, Publishing, create_item, get_item, items_browse,
)
from auction.api.openapi import Operation, document
from auction.api.replay import AsOfQuery, AsOfReply, TimelineReply, get_item_as_of, get_item_timeline
from auction.api.purchases import PurchaseReply, buy_now
from auction.api.tokens import Credentials, TokenList, TokenReply, create_token, list_tokens, revoke_token
from auction.api.users import NewUser, UserReply, create_user

WRITE_ERRORS = (400, 401, 403, 404, 413, 429, 503)


def openapi_json(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_openapi_bytes(), content_type="application/json")


@functools.cache
def _openapi_bytes() -> bytes:
    """The document is generated from code, so it changes only with the code: built once per process."""
    return json.dumps(document(ROUTES, prefix=PREFIX)).encode()


ROUTES: dict[str, list[Operation]] = {
    "users": [
        Operation(
            "post",
            create_user,
            "Sign up",
            description="Sign-ups are limited per address (429 with Retry-After past the limit).",
            body=NewUser,
            ok={201: UserReply},
            errors=(400, 413, 429, 503),
        ),
    ],
    "tokens": [
        Operation(
            "post",
            create_token,
            "Get a bearer token for a username and password",
            description=(
                "The token is shown only in this answer. It expires (`expires_at`), and every token of an account "
                "is revoked when its password changes. An account holds a limited number of live tokens: past "
                "it, 409 until one is revoked or expires. Failed logins are limited per username and per address: "
                "past the limit, 429 with Retry-After, whatever the password."
            ),
            body=Credentials,
            ok={201: TokenReply},
            errors=(400, 401, 409, 413, 429, 503),
        ),
        Operation(
            "get",
            list_tokens,
            "Your tokens that still work",
            description="Their names, dates and ids, never their secrets.",
            ok={200: TokenList},
            errors=(401,),
            authenticated=True,
        ),
    ],
    "tokens/<int:token_id>": [
        Operation(
            "delete",
            revoke_token,
            "Revoke one of your tokens",
            description="It is refused (401) from then on; a token may revoke itself.",
            ok={204: None},
            errors=(401, 403, 404),
            authenticated=True,
        ),
    ],
    "items": [
        Operation("get", items_browse, "Browse auctions", query=ItemQuery, ok={200: ItemsPage}, errors=(400, 401)),
        Operation(
            "post",
            create_item,
            "List an item for auction",
            description=(
                "Answers once the new item can be read back; 202 with its id if that takes longer. "
                "Send an Idempotency-Key to retry safely after a timeout or a 503."
            ),
            body=NewItem,
            ok={201: ItemReply, 202: Publishing},
            errors=(400, 401, 403, 409, 413, 503),
            headers=(LISTING_IDEMPOTENCY,),
            authenticated=True,
        ),
    ],
    "items/<uuid:item_id>": [
        Operation("get", get_item, "Read one item", ok={200: ItemReply}, errors=(401, 404)),
    ],
    "items/<uuid:item_id>/bids": [
        Operation("get", list_bids, "The public bid history", ok={200: BidHistory}, errors=(401, 404)),
        Operation(
            "post",
            bid_create,
            "Place a bid",
            description=(
                "Waits briefly for the bidding processor's decision: 200 with it, 202 if still pending. "
                "Send an Idempotency-Key to retry safely after a timeout, a 202 or a 503."
            ),
            body=NewBid,
            ok={200: BidReply, 202: BidReply},
            errors=(400, 401, 403, 404, 409, 413, 429, 503),
            headers=(BID_IDEMPOTENCY,),
            authenticated=True,
        ),
    ],
    "items/<uuid:item_id>/as-of": [
        Operation(
            "get",
            get_item_as_of,
            "The item as it stood at an instant",
            description=(
                "Its public state at `at`, replayed from its events by the bidding engine: the shape of "
                "`GET /items/{item_id}`, with `as_of`. After the end, the closed state; before the listing, 404."
            ),
            query=AsOfQuery,
            ok={200: AsOfReply},
            errors=(400, 401, 404, 409),
        ),
    ],
    "items/<uuid:item_id>/timeline": [
        Operation(
            "get",
            get_item_timeline,
            "The moments that changed the item",
            description="Every accepted bid, extension and the close, with the public bid history, for replaying it.",
            ok={200: TimelineReply},
            errors=(401, 404, 409),
        ),
    ],
    "items/<uuid:item_id>/buy-now": [
        Operation(
            "post",
            buy_now,
            "Buy the item at its Buy It Now price",
            ok={200: PurchaseReply, 202: PurchaseReply},
            errors=WRITE_ERRORS,
            authenticated=True,
        ),
    ],
    "openapi.json": [
        Operation("get", openapi_json, "This document", ok={200: None}),
    ],
}
