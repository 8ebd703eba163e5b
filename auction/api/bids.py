"""/api/items/{id}/bids: the public bid history, and placing a bid."""
import uuid
from datetime import datetime
from typing import Literal

from asgiref.sync import sync_to_async
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest, HttpResponse
from pydantic import Field

from auction.accounts.masking import public_name
from auction.api.auth import api_user, require_user
from auction.api.http import body, respond
from auction.api.idempotency import idempotency_key, idempotency_parameter
from auction.api.items import ItemReply, item_or_404, item_reply
from auction.api.shapes import Amount, Reply, RequestBody, decimal_text
from auction.bidding.announced import announced_decision
from auction.bidding.feedback import bid_feedback
from auction.bidding.selectors import bid_attempt_get, bid_get, bid_history
from auction.bidding.models import Bid
from auction.bidding.services import Placing, bid_send
from auction.catalog.models import Item
from auction.catalog.selectors import item_get
from auction.live.changes import after_bid
from auction.streaming.wait import projected_async
from streams.money import Money


BID_IDEMPOTENCY = idempotency_parameter(
    "Makes a retry safe: a request sent again with the same key is the same bid. It is answered with the first "
    "attempt's decision (or waits for it), never placed twice; the same key with another amount is 409."
)


class NewBid(RequestBody):
    amount: Amount
    max_amount: Amount | None = Field(None, description="Proxy bidding: we bid for you up to this; never shown")


class BidReply(Reply):
    status: Literal["accepted", "rejected", "pending"] = Field(
        description="pending: not decided within the wait; the decision will show in the history"
    )
    bid_id: uuid.UUID
    message: str
    leading: bool | None = Field(description="For an accepted bid: whether it leads (false: outbid by a proxy bid)")
    reason: str | None = Field(description="Why a rejected bid was refused")
    minimum: str | None = Field(description="For a rejected bid: the lowest amount that could succeed")
    item: ItemReply


class PublicBid(Reply):
    bidder: str = Field(description="Masked, unless it is you")
    amount: str
    currency: str
    placed_at: datetime


class BidHistory(Reply):
    item_id: uuid.UUID
    bids: list[PublicBid] = Field(description="Accepted bids, newest first; maxima are never shown")


def list_bids(request: HttpRequest, item_id: uuid.UUID) -> HttpResponse:
    item = item_or_404(item_id)
    viewer = api_user(request)
    viewer_id = None if viewer is None else viewer.pk
    bids = [
        PublicBid(
            bidder=public_name(bid.bidder_name, person_id=bid.bidder_id, viewer_id=viewer_id),
            amount=decimal_text(bid.amount),
            currency=bid.currency,
            placed_at=bid.decided_at,
        )
        for bid in bid_history(item_id=item.pk)
    ]
    return respond(BidHistory(item_id=item.pk, bids=bids))


async def bid_create(request: HttpRequest, item_id: uuid.UUID) -> HttpResponse:
    """200 once the bidding processor decided (accepted or rejected), 202 while still pending.

    Only the checks and the send run in Django's sync thread, in one hop. The waits for the
    broker's acknowledgement and for the projector's announcement hold no thread, so one process
    keeps many bids in flight. The announcement brings the decision and the item's state after it
    (`auction.bidding.announced`): the reply is built from them in the event loop, with no read of
    what the projector just committed. Without that news (Redis away, an item just closed) the
    decision and the item are read again, in a second hop."""
    sent = await sync_to_async(_bid_send)(request, item_id)
    if isinstance(sent, HttpResponse):  # an attempt decided before: its answer again
        return sent
    bidder, item, placing = sent
    await placing.sending.published()

    def decided_reply() -> HttpResponse | None:
        bid = bid_get(bid_id=placing.bid_id)
        if bid is None:
            return None
        return _bid_reply(bid, bid_id=placing.bid_id, bidder=bidder, item=item_get(item_id=item.pk) or item)

    def announced_reply(news: object) -> HttpResponse | None:
        decision = announced_decision(news)
        if decision is None or decision.state is None or decision.state.seq < item.seq:
            return None
        return _bid_reply(decision.bid, bid_id=placing.bid_id, bidder=bidder, item=after_bid(item, decision.state))

    reply = await projected_async(decided_reply, keys=(str(placing.bid_id),), from_news=announced_reply)
    if reply is None:  # not decided within the wait: 202, pending, with the item as read before the bid
        reply = _bid_reply(None, bid_id=placing.bid_id, bidder=bidder, item=item)
    return reply


def _bid_send(request: HttpRequest, item_id: uuid.UUID) -> tuple[AbstractBaseUser, Item, Placing] | HttpResponse:
    bidder = require_user(request)
    item = item_or_404(item_id)
    new = body(request, NewBid)
    amount = Money.parse(new.amount, item.currency)
    attempt = bid_attempt_get(bidder_id=bidder.pk, item_id=item.pk, key=idempotency_key(request), amount=amount)
    if attempt.decided is not None:
        return _bid_reply(attempt.decided, bid_id=attempt.bid_id, bidder=bidder, item=item)
    placing = bid_send(
        bidder=bidder,
        item=item,
        amount=amount,
        max_amount=None if new.max_amount is None else Money.parse(new.max_amount, item.currency),
        bid_id=attempt.bid_id,
    )
    return bidder, item, placing


def _bid_reply(bid: Bid | None, *, bid_id: uuid.UUID, bidder: AbstractBaseUser, item: Item) -> HttpResponse:
    """The reply about the bid `bid_id` (None: undecided) with `item` as it stands; reads nothing."""
    feedback = bid_feedback(bid, bidder_id=bidder.pk)
    reply = BidReply(
        status=feedback.status,
        bid_id=bid_id,
        message=feedback.message,
        leading=feedback.leading,
        reason=feedback.reason,
        minimum=None if feedback.minimum is None else feedback.minimum.format(),
        item=item_reply(item, bidder.pk),
    )
    return respond(reply, status=202 if feedback.status == "pending" else 200)
