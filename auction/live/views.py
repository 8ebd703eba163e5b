"""Snapshots: an item's whole public state with its sequence number, for a browser to resync from.

A page fetches one when its socket (re)connects or when it sees a gap in an item's sequence
numbers; the values are the ones pushes carry (`fields`), for this viewer.
"""
import uuid

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from auction.bidding.selectors import HISTORY_SHOWN, bid_history
from auction.catalog.models import Item
from auction.catalog.selectors import item_get
from auction.live.fields import history_row, public_fields
from auction.live.selectors import items_by_id
from streams.money import from_minor

MAX_ITEMS = 48
"""More than a browse page shows."""


def _viewer_id(request: HttpRequest) -> int | None:
    return request.user.pk if request.user.is_authenticated else None


def _snapshot(item: Item, viewer_id: int | None) -> dict:
    return {"item": str(item.pk), "seq": item.seq, "fields": public_fields(item, viewer_id=viewer_id)}


@require_GET
@never_cache
def item_snapshot(request: HttpRequest, item_id: uuid.UUID) -> JsonResponse:
    """One item with its bid history, for the item page."""
    item = item_get(item_id=item_id)
    if item is None:
        return JsonResponse({"error": "There is no item with this id."}, status=404)
    viewer_id = _viewer_id(request)
    history = [
        history_row(
            bidder_name=bid.bidder_name,
            bidder_id=bid.bidder_id,
            amount=from_minor(bid.amount, bid.currency),
            decided_at=bid.decided_at,
            viewer_id=viewer_id,
        )
        for bid in bid_history(item_id=item.pk)[:HISTORY_SHOWN]
    ]
    return JsonResponse(_snapshot(item, viewer_id) | {"history": history})


@require_GET
@never_cache
def item_snapshots(request: HttpRequest) -> JsonResponse:
    """Several items without their histories (`?id=…&id=…`), for a browse page's cards."""
    try:
        item_ids = {uuid.UUID(value) for value in request.GET.getlist("id")}
    except ValueError:
        return JsonResponse({"error": "Every id must be an item id."}, status=400)
    if len(item_ids) > MAX_ITEMS:
        return JsonResponse({"error": f"Ask for at most {MAX_ITEMS} items at once."}, status=400)
    viewer_id = _viewer_id(request)
    return JsonResponse({"items": [_snapshot(item, viewer_id) for item in items_by_id(item_ids=item_ids)]})
