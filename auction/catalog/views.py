"""Shopper pages: browsing, an item's page, and the sell form."""
import uuid
from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.static import serve

from auction.bidding.forms import BidForm
from auction.bidding.selectors import bid_history
from auction.catalog.categories import CATEGORY_LABELS
from auction.catalog.forms import SellForm
from auction.catalog.models import Item
from auction.catalog.selectors import DEFAULT_SORT, SORTS, item_get, item_search
from auction.catalog.services import item_list
from auction.catalog.text import SEARCH
from auction.catalog.uploads import stored_images
from auction.streaming.wait import projected

PAGE_SIZE = 24
HISTORY_SHOWN = 50
SORT_LABELS = {
    "ending": "Ending soonest",
    "newest": "Newly listed",
    "price_low": "Price: low to high",
    "price_high": "Price: high to low",
}
PUBLISHING_KEY = "publishing_item"
"""Session key: the item this visitor just listed, so its page can say "being published" instead of 404."""


def browse(request: HttpRequest) -> HttpResponse:
    """Lenient on purpose: an unknown category or sort in a shared link falls back to the defaults."""
    q = SEARCH.normalize(request.GET.get("q", "").replace("\x00", ""))[: SEARCH.max_length]
    category = request.GET.get("category", "")
    category = category if category in CATEGORY_LABELS else ""
    sort = request.GET.get("sort", DEFAULT_SORT)
    sort = sort if sort in SORTS else DEFAULT_SORT
    page = Paginator(item_search(q=q, category=category, sort=sort), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "q": q,
        "category": category,
        "sort": sort,
        "sort_labels": SORT_LABELS,
        "now": timezone.now(),
    }
    return render(request, "catalog/browse.html", context)


def item_detail(request: HttpRequest, item_id: uuid.UUID) -> HttpResponse:
    item = item_get(item_id=item_id)
    if item is not None:
        return item_page(request, item)
    if request.session.get(PUBLISHING_KEY) == str(item_id):
        return render(request, "catalog/publishing.html", status=202)
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
    return render(request, "catalog/item.html", context, status=status)


@login_required
def sell(request: HttpRequest) -> HttpResponse:
    form = SellForm(request.POST, request.FILES) if request.method == "POST" else SellForm()
    if not form.is_valid():
        context = {"form": form, "currency": settings.AUCTION_CURRENCY}
        return render(request, "catalog/sell.html", context, status=400 if form.is_bound else 200)
    with stored_images(form.cleaned_data["images"]) as image_urls:
        listed = item_list(seller=request.user, image_urls=image_urls, **form.listing())
    item_id = listed.event.item_id
    if projected(lambda: item_get(item_id=uuid.UUID(item_id))) is None:
        request.session[PUBLISHING_KEY] = item_id
        messages.info(request, "Your item is being published; its page will be ready in a moment.")
    else:
        messages.success(request, "Your item is live.")
    return redirect("catalog:item", item_id=item_id)


def media_file(request: HttpRequest, path: str) -> HttpResponse:
    """Uploaded listing photos. They are few and small; beyond one machine a CDN or proxy would serve them."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)
