"""/api/items/{id}/buy-now: end an auction at its Buy It Now price."""
import uuid
from typing import Literal

from django.http import HttpRequest, HttpResponse
from pydantic import Field

from auction.api.auth import require_user
from auction.api.http import respond
from auction.api.items import ItemReply, item_or_404, item_reply
from auction.api.shapes import Reply
from auction.bidding.feedback import purchase_feedback
from auction.bidding.selectors import purchase_decision
from auction.bidding.services import buy_now_request
from auction.catalog.selectors import item_get
from auction.streaming.wait import projected


class PurchaseReply(Reply):
    status: Literal["bought", "rejected", "pending"] = Field(
        description="pending: not decided within the wait; read the item again later"
    )
    message: str
    item: ItemReply


def buy_now(request: HttpRequest, item_id: uuid.UUID) -> HttpResponse:
    buyer = require_user(request)
    item = item_or_404(item_id)
    requested = buy_now_request(buyer=buyer, item=item)
    decision = projected(
        lambda: purchase_decision(item_id=item.pk, request_id=requested.request_id, buyer_id=buyer.pk),
        keys=(str(requested.request_id), str(item.pk)),
    )
    feedback = purchase_feedback(decision)
    current = item_get(item_id=item.pk) or item
    reply = PurchaseReply(status=feedback.status, message=feedback.message, item=item_reply(current, buyer.pk))
    return respond(reply, status=202 if feedback.status == "pending" else 200)
