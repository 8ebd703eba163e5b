"""/api/items: browse open and closed auctions, read one, list one for sale."""
import math
import uuid
from datetime import datetime
from typing import Annotated, Literal

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from pydantic import AfterValidator, Field

from auction.accounts.masking import public_name
from auction.api.auth import api_user, require_user
from auction.api.errors import ApiError
from auction.api.http import body, query, respond
from auction.api.idempotency import idempotency_key, idempotency_parameter
from auction.api.shapes import Amount, Query, Reply, RequestBody, decimal_text, ruled
from auction.catalog.categories import CATEGORY_LABELS
from auction.catalog.forms import DEFAULT_DURATION_SECONDS, PRICE_FIELDS
from auction.catalog.models import Item
from auction.catalog.photo_urls import own_pictures, picture_problem
from auction.catalog.presentation import minimum_bid
from auction.catalog.selectors import DEFAULT_SORT, SORTS, item_get, item_search
from auction.catalog.services import item_put_up
from auction.catalog.uploads import MAX_IMAGES
from auction.streaming.wait import projected
from auction.text import DESCRIPTION, LOCATION, SEARCH, TITLE
from streams.money import Money

PAGE_SIZE = 24
MAX_PAGE = 10_000
Category = Literal[tuple(CATEGORY_LABELS)]
Sort = Literal[tuple(SORTS)]


class ItemQuery(Query):
    status: Literal["open", "closed", "all"] = "open"
    category: Category | None = None
    q: ruled(SEARCH, "Words to find in the title or description") = ""
    sort: Sort = DEFAULT_SORT
    page: int = Field(1, ge=1, le=MAX_PAGE)


def _photo_here(url: str) -> str:
    if problem := picture_problem(url):
        raise ValueError(problem)
    return url


PhotoUrl = Annotated[
    str,
    Field(max_length=2000, examples=["/media/items/0123456789abcdef0123456789abcdef.jpg"]),
    AfterValidator(_photo_here),
]
"""The address of a photo uploaded to this site (as an item's `image_urls` gives it); addresses elsewhere are refused."""


def _money(text: str | None) -> Money | None:
    return None if text is None else Money.parse(text, settings.AUCTION_CURRENCY)


class NewItem(RequestBody):
    title: ruled(TITLE)
    description: ruled(DESCRIPTION)
    category: Category
    location: ruled(LOCATION, "City and country, e.g. Lyon, France")
    starting_price: Amount
    reserve_price: Amount | None = Field(None, description="Hidden minimum for a sale; never shown to bidders")
    buy_now_price: Amount | None = None
    duration_seconds: int = Field(DEFAULT_DURATION_SECONDS, description="From the site's minimum up to 10 days")
    image_urls: list[PhotoUrl] = Field(
        default_factory=list, max_length=MAX_IMAGES, description="Photos uploaded to this site; no address elsewhere"
    )

    def listing(self) -> dict:
        """The listing as `item_put_up` takes it (without the seller), like the web form's `listing()`."""
        return self.model_dump(exclude=set(PRICE_FIELDS)) | {name: _money(getattr(self, name)) for name in PRICE_FIELDS}


class ItemReply(Reply):
    id: uuid.UUID
    title: str
    description: str
    category: str
    location: str
    image_urls: list[str] = Field(description="Photos on this site (a picture elsewhere, from older listings, is left out)")
    seller: str
    status: Literal["open", "closed"]
    currency: str
    starting_price: str
    current_price: str | None = Field(description="null until the first bid")
    minimum_bid: str | None = Field(description="The lowest acceptable next bid; null once closed")
    leader: str | None = Field(description="The leading bidder, masked unless it is you")
    bid_count: int
    reserve_met: bool | None = Field(description="null when the item has no reserve; the amount is never shown")
    buy_now_price: str | None
    buy_now_available: bool
    starts_at: datetime
    ends_at: datetime
    seq: int = Field(description="Per-item sequence number of the last change, as in live updates")
    outcome: Literal["sold", "no_bids", "reserve_not_met", "bought_now", "cancelled"] | None
    winner: str | None = Field(description="Masked unless it is you")
    final_price: str | None


class ItemsPage(Reply):
    items: list[ItemReply]
    page: int
    pages: int
    total: int


class Publishing(Reply):
    status: Literal["pending"]
    id: uuid.UUID


def item_reply(item: Item, viewer_id: int | None) -> ItemReply:
    is_open = item.status == Item.Status.OPEN
    return ItemReply(
        id=item.pk,
        title=item.title,
        description=item.description,
        category=item.category,
        location=item.location,
        image_urls=own_pictures(item.image_urls),
        seller=item.seller_name,
        status=item.status,
        currency=item.currency,
        starting_price=decimal_text(item.starting_price),
        current_price=decimal_text(item.current_price),
        minimum_bid=minimum_bid(item).format() if is_open else None,
        leader=public_name(item.leader_name, person_id=item.leader_id, viewer_id=viewer_id) if item.leader_id else None,
        bid_count=item.bid_count,
        reserve_met=item.reserve_met if item.reserve_price is not None else None,
        buy_now_price=decimal_text(item.buy_now_price),
        buy_now_available=is_open and item.buy_now_available and item.buy_now_price is not None,
        starts_at=item.starts_at,
        ends_at=item.ends_at,
        seq=item.seq,
        outcome=item.outcome or None,
        winner=public_name(item.winner_name, person_id=item.winner_id, viewer_id=viewer_id) if item.winner_id else None,
        final_price=decimal_text(item.final_price),
    )


def item_or_404(item_id: uuid.UUID) -> Item:
    item = item_get(item_id=item_id)
    if item is None:
        raise ApiError(404, "There is no item with this id.")
    return item


def _viewer_id(request: HttpRequest) -> int | None:
    viewer = api_user(request)
    return None if viewer is None else viewer.pk


def items_browse(request: HttpRequest) -> HttpResponse:
    params = query(request, ItemQuery)
    viewer_id = _viewer_id(request)
    found = item_search(
        status=None if params.status == "all" else params.status,
        category=params.category or "",
        q=params.q,
        sort=params.sort,
    )
    total = found.count()
    start = (params.page - 1) * PAGE_SIZE
    items = [item_reply(item, viewer_id) for item in found[start : start + PAGE_SIZE]]
    return respond(ItemsPage(items=items, page=params.page, pages=math.ceil(total / PAGE_SIZE), total=total))


def get_item(request: HttpRequest, item_id: uuid.UUID) -> HttpResponse:
    return respond(item_reply(item_or_404(item_id), _viewer_id(request)))


LISTING_IDEMPOTENCY = idempotency_parameter(
    "Makes a retry safe: a listing sent again with the same key is the same item (the same id), answered like the "
    "first and never listed twice; the same key with other terms is 409 and lists nothing."
)


def create_item(request: HttpRequest) -> HttpResponse:
    """201 with the item once the projection shows it; 202 "pending" if that takes too long.

    A retry with the same `Idempotency-Key` answers the same way about the same item."""
    seller = require_user(request)
    new = body(request, NewItem)
    listed = item_put_up(seller=seller, attempt_key=idempotency_key(request), **new.listing())
    item_id = uuid.UUID(listed.event.item_id)
    item = projected(lambda: item_get(item_id=item_id), keys=(str(item_id),))
    if item is None:
        return respond(Publishing(status="pending", id=item_id), status=202)
    return respond(item_reply(item, seller.pk), status=201)
