"""The item page, and bidding from it: publish, wait briefly for the decision, redirect with the answer (PRG).

The bidding app owns the item page: the item comes from `auction.catalog.selectors`, the history,
the bid form and the answers from here.
"""
import uuid
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from auction.bidding.feedback import bid_feedback, purchase_feedback
from auction.bidding.forms import BidForm
from auction.bidding.selectors import (
    HISTORY_SHOWN, BidAttemptConflict, bid_attempt_get, bid_get, bid_history, purchase_decision,
)
from auction.bidding.services import bid_place, buy_now_request
from auction.catalog.models import Item
from auction.catalog.selectors import item_get
from auction.catalog.views import PUBLISHING_KEY
from auction.streaming.wait import projected

LEVELS = {
    "accepted": messages.SUCCESS,
    "bought": messages.SUCCESS,
    "rejected": messages.ERROR,
    "pending": messages.INFO,
}
STANDING_TAG = "bid-standing"
"""Marks the message about one's own bid: the page's live script takes it down when news of the item comes (outbid, won)."""


def _item_or_404(item_id: uuid.UUID) -> Item:
    item = item_get(item_id=item_id)
    if item is None:
        raise Http404("No such item")
    return item


def _item_url(item: Item) -> str:
    return reverse("bidding:item", kwargs={"item_id": item.pk})


def item_detail(request: HttpRequest, item_id: uuid.UUID) -> HttpResponse:
    item = item_get(item_id=item_id)
    if item is not None:
        return item_page(request, item)
    if request.session.get(PUBLISHING_KEY) == str(item_id):
        return render(request, "bidding/publishing.html", status=202)
    raise Http404("No such item")


def item_page(
    request: HttpRequest,
    item: Item,
    *,
    bid_form: BidForm | None = None,
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The item page; the bid views render it again, with their form and errors, when a bid is refused."""
    now: datetime = timezone.now()
    user = request.user
    context = {
        "item": item,
        "now": now,
        "history": bid_history(item_id=item.pk)[:HISTORY_SHOWN],
        "bid_form": bid_form or BidForm(item=item),
        "errors": errors or [],
        "is_seller": user.is_authenticated and item.seller_id == user.pk,
        "is_leader": user.is_authenticated and item.leader_id == user.pk,
        "bidding_open": item.status == Item.Status.OPEN and item.ends_at > now,
    }
    return render(request, "bidding/item.html", context, status=status)


@require_POST
def bid_create(request: HttpRequest, item_id: uuid.UUID) -> HttpResponse:
    item = _item_or_404(item_id)
    if not request.user.is_authenticated:
        return redirect_to_login(_item_url(item))
    form = BidForm(request.POST, item=item)
    if not form.is_valid():
        return item_page(request, item, bid_form=form, status=400)
    amount = form.cleaned_data["amount"]
    try:  # the same form sent again: its first answer
        attempt = bid_attempt_get(
            bidder_id=request.user.pk, item_id=item.pk, key=form.cleaned_data["attempt"] or None, amount=amount
        )
    except BidAttemptConflict as conflict:
        return item_page(request, item, errors=[_resent_with_another_amount(conflict)], status=409)
    decided = attempt.decided
    if decided is None:
        try:
            placed = bid_place(
                bidder=request.user,
                item=item,
                amount=amount,
                max_amount=form.cleaned_data["max_amount"],
                bid_id=attempt.bid_id,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return item_page(request, item, bid_form=form, status=400)
        decided = projected(lambda: bid_get(bid_id=placed.bid_id), keys=(str(placed.bid_id),))
    feedback = bid_feedback(decided, bidder_id=request.user.pk)
    level = messages.WARNING if feedback.leading is False else LEVELS[feedback.status]
    messages.add_message(request, level, feedback.message, extra_tags=STANDING_TAG)
    return redirect(_item_url(item))


def _resent_with_another_amount(conflict: BidAttemptConflict) -> str:
    return (
        f"This form was already sent with a bid of {conflict.earlier.display()}, and that bid stands. "
        "To bid another amount, use the new form below."
    )


@require_POST
def buy_now(request: HttpRequest, item_id: uuid.UUID) -> HttpResponse:
    item = _item_or_404(item_id)
    if not request.user.is_authenticated:
        return redirect_to_login(_item_url(item))
    try:
        requested = buy_now_request(buyer=request.user, item=item)
    except ValidationError as error:
        return item_page(request, item, errors=error.messages, status=400)
    buyer_id = request.user.pk
    decision = projected(
        lambda: purchase_decision(item_id=item.pk, request_id=requested.request_id, buyer_id=buyer_id),
        keys=(str(requested.request_id), str(item.pk)),
    )
    feedback = purchase_feedback(decision)
    messages.add_message(request, LEVELS[feedback.status], feedback.message)
    return redirect(_item_url(item))
