"""/api/items/{id}/as-of and /timeline: an item as it stood at any instant, and the moments that changed it."""
import re
import uuid
from datetime import datetime
from typing import Literal

from django.http import HttpRequest, HttpResponse
from pydantic import AwareDatetime, Field, field_validator

from auction.accounts.masking import public_name
from auction.api.auth import api_user
from auction.api.errors import ApiError
from auction.api.http import query, respond
from auction.api.items import ItemReply, item_or_404, item_reply
from auction.api.shapes import Query, Reply, decimal_text
from auction.replay.presentation import item_as_it_stood
from auction.replay.selectors import item_as_of, item_timeline
from streams.bidding.as_of import ReplayMismatch

_SPACED_OFFSET = re.compile(r" (\d\d:?\d\d)$")


class AsOfQuery(Query):
    at: AwareDatetime = Field(description="ISO 8601 with a time zone, e.g. 2030-01-01T12:00:00Z")

    @field_validator("at", mode="before")
    @classmethod
    def _plus_kept(cls, value: object) -> object:
        """An unencoded "+01:00" arrives as " 01:00" (a "+" in a query string is a space): read it as meant."""
        return _SPACED_OFFSET.sub(r"+\1", value) if isinstance(value, str) else value

    @field_validator("at", mode="before")
    @classmethod
    def _text_only(cls, value: object) -> object:
        if isinstance(value, str) and re.fullmatch(r"[0-9.]+", value.strip()):
            raise ValueError("give a date and time in ISO 8601, e.g. 2030-01-01T12:00:00Z, not a number")
        return value


class AsOfReply(ItemReply):
    as_of: datetime = Field(description="The instant this state is of")


class Mark(Reply):
    seq: int
    at: datetime
    kind: Literal["bid", "extension", "close"]


class TimelineBid(Reply):
    seq: int = Field(description="The item's seq after this bid: the history at an as-of state is its bids up to that state's seq")
    at: datetime
    bidder: str = Field(description="Masked, unless it is you")
    amount: str


class TimelineReply(Reply):
    item_id: uuid.UUID
    listed_at: datetime
    ends_at: datetime = Field(description="When it closed; while it runs, its current end")
    closed: bool
    marks: list[Mark] = Field(description="Every public change, oldest first: accepted bids, extensions, the close")
    bids: list[TimelineBid] = Field(description="Accepted bids, oldest first; maxima are never shown")


_NOT_INDEXED = "This item's history is not in the replay index (yet): try again in a moment."


def _unreplayable(error: ReplayMismatch) -> ApiError:
    return ApiError(409, f"This item's log cannot be replayed: {error}")


def _viewer_id(request: HttpRequest) -> int | None:
    viewer = api_user(request)
    return None if viewer is None else viewer.pk


def get_item_as_of(request: HttpRequest, item_id: uuid.UUID) -> HttpResponse:
    at = query(request, AsOfQuery).at
    item = item_or_404(item_id)
    if at < item.starts_at:
        raise ApiError(404, f"The item was not listed yet at {at.isoformat()}: it was listed at {item.starts_at.isoformat()}.")
    try:
        found = item_as_of(item_id=item_id, at=at)
    except ReplayMismatch as error:
        raise _unreplayable(error) from None
    if found is None:
        raise ApiError(404, _NOT_INDEXED)
    reply = item_reply(item_as_it_stood(item, found), _viewer_id(request))
    return respond(AsOfReply(**reply.model_dump(), as_of=at))


def get_item_timeline(request: HttpRequest, item_id: uuid.UUID) -> HttpResponse:
    item_or_404(item_id)
    try:
        found = item_timeline(item_id=item_id)
    except ReplayMismatch as error:
        raise _unreplayable(error) from None
    if found is None:
        raise ApiError(404, _NOT_INDEXED)
    listed_at, timeline = found
    viewer_id = _viewer_id(request)
    return respond(
        TimelineReply(
            item_id=item_id,
            listed_at=listed_at,
            ends_at=timeline.ends_at,
            closed=timeline.closed,
            marks=[Mark(seq=mark.seq, at=mark.at, kind=mark.kind) for mark in timeline.marks],
            bids=[
                TimelineBid(
                    seq=bid.seq,
                    at=bid.at,
                    bidder=public_name(bid.bidder_name, person_id=bid.bidder_id, viewer_id=viewer_id),
                    amount=decimal_text(bid.amount),
                )
                for bid in timeline.history
            ],
        )
    )
