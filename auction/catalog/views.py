"""Shopper pages: browsing and the sell form (an item's page is `auction.bidding.views.item_detail`)."""
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.static import serve

from auction.catalog.attempts import photo_digests
from auction.catalog.categories import CATEGORY_LABELS
from auction.catalog.forms import SellForm
from auction.catalog.selectors import DEFAULT_SORT, SORTS, item_get, item_search
from auction.catalog.services import ListingAttemptConflict, item_put_up
from auction.catalog.upload_limits import BoundedPhotoUpload, bound_photo_uploads
from auction.catalog.uploads import photo_content_type, stored_images, stored_images_delete
from auction.streaming.wait import projected
from auction.text import SEARCH

PAGE_SIZE = 24
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


@csrf_exempt  # checked in `_sell`: the check reads the body, which must wait for the upload handler
@login_required
def sell(request: HttpRequest) -> HttpResponse:
    return _sell(request, bound_photo_uploads(request))


@csrf_protect
def _sell(request: HttpRequest, uploads: BoundedPhotoUpload) -> HttpResponse:
    if request.method == "POST":
        form = SellForm(request.POST, request.FILES, refused_photos=uploads.refused)
    else:
        form = SellForm()
    if not form.is_valid():
        return _sell_page(request, form, status=400 if form.is_bound else 200)
    photos = form.cleaned_data["images"]
    try:
        with stored_images(photos) as image_urls:
            listed = item_put_up(
                seller=request.user,
                image_urls=image_urls,
                attempt_key=form.cleaned_data["attempt"] or None,
                pictures=photo_digests([photo.content for photo in photos]),
                **form.listing(),
            )
    except ListingAttemptConflict as conflict:  # the form sent again after a change: the first listing stands
        form.renew_attempt()
        form.add_error(
            None, f"This form already listed “{conflict.title}”, with other details. To list this as a new item, add its photos again and send it."
        )
        return _sell_page(request, form, status=409)
    if listed.again:  # the same form sent again: its first listing, with the photos stored then
        stored_images_delete(image_urls)
    item_id = listed.event.item_id
    if projected(lambda: item_get(item_id=uuid.UUID(item_id)), keys=(item_id,)) is None:
        request.session[PUBLISHING_KEY] = item_id
        messages.info(request, "Your item is being published; its page will be ready in a moment.")
    else:
        messages.success(request, "Your item is live.")
    return redirect("bidding:item", item_id=item_id)


def _sell_page(request: HttpRequest, form: SellForm, *, status: int) -> HttpResponse:
    return render(request, "catalog/sell.html", {"form": form, "currency": settings.AUCTION_CURRENCY}, status=status)


def media_file(request: HttpRequest, path: str) -> HttpResponse:
    """Uploaded listing photos, and nothing else of the media folder. They are few and small; beyond one
    machine a CDN or proxy would serve them, with the same headers."""
    content_type = photo_content_type(path)
    if content_type is None:
        raise Http404("no such photo")
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Content-Type"] = content_type
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
