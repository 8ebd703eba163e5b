"""Reads of the analytics tables, one per measure, each narrowed by `Filters`.

Windowed tables are grouped into the filter's chart buckets with PostgreSQL's `date_bin`;
rows come back as plain dicts for the presentation layer.
"""
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, DateTimeField, DurationField, F, Func, Max, Min, Q, Sum, Value

from auction.analytics.filters import Filters
from auction.analytics.models import (
    AuctionSummary,
    BidFact,
    BidWindow,
    ItemPane,
    LateEvent,
    ListingFact,
    OutcomeWindow,
    Participation,
    SourceWatermark,
)
from streams.analytics.policy import Policy
from streams.analytics.suspicion import BidderSellerTotals, Candidate, candidates
from streams.analytics.windows import EPOCH, sliding_span

SOLD = ("sold", "bought_now")


class DateBin(Func):
    """`date_bin(stride, source, origin)`: the start of the bucket holding `source`."""

    function = "date_bin"
    output_field = DateTimeField()

    def __init__(self, stride: timedelta, expression) -> None:
        super().__init__(Value(stride, output_field=DurationField()), expression, Value(EPOCH, output_field=DateTimeField()))


@dataclass(frozen=True)
class Clock:
    """Where event time stands: the latest event seen, and up to when windows are final."""

    earliest: datetime | None
    latest: datetime | None
    final_until: datetime | None


def analytics_clock(*, policy: Policy) -> Clock:
    marks = SourceWatermark.objects.aggregate(newest=Max("latest"), slowest=Min("latest"))
    earliest = min(
        (start for start in (
            BidWindow.objects.aggregate(first=Min("window_start"))["first"],
            OutcomeWindow.objects.aggregate(first=Min("window_start"))["first"],
        ) if start is not None),
        default=None,
    )
    slowest = marks["slowest"]
    return Clock(earliest, marks["newest"], None if slowest is None else slowest - policy.allowed_lateness)


def analytics_categories() -> list[str]:
    return list(ListingFact.objects.order_by("category").values_list("category", flat=True).distinct())


def _in_range(queryset, filters: Filters, field: str = "window_start"):
    if filters.since is None:
        return queryset.none()
    queryset = queryset.filter(**{f"{field}__gte": filters.since, f"{field}__lt": filters.until})
    return queryset.filter(category=filters.category) if filters.category else queryset


def _bucketed(queryset, filters: Filters):
    """The windows in range, each with the chart `bucket` it falls in."""
    return _in_range(queryset, filters).annotate(bucket=DateBin(filters.bucket, F("window_start")))


def _total_over_time(queryset, filters: Filters, *, total: str, per: str) -> list[dict]:
    """The sum of `total` per bucket and `per`."""
    return list(
        _bucketed(queryset, filters).values("bucket", per).annotate(**{total: Sum(total)}).order_by("bucket", per)
    )


def bids_over_time(*, filters: Filters) -> list[dict]:
    """Bids per bucket and category (bids per minute when the bucket is the window)."""
    return _total_over_time(BidWindow.objects, filters, total="bids", per="category")


def highest_bids(*, filters: Filters) -> list[dict]:
    """The highest bid of every bucket in the range, with its item and bidder (Nexmark q7).

    A bucket is a whole number of windows, so this is q7's highest bid per window when the
    bucket is one window, and the highest of those windows otherwise.
    """
    rows = list(
        _bucketed(BidWindow.objects, filters)
        .order_by("bucket", "-top_amount", "top_bid_id")
        .distinct("bucket")
        .values("bucket", "currency", "top_amount", "top_bid_id", "top_item_id")
    )
    bids = {
        row["bid_id"]: row
        for row in BidFact.objects.filter(bid_id__in=[row["top_bid_id"] for row in rows]).values("bid_id", "bidder_id", "bidder_name")
    }
    titles = _titles(row["top_item_id"] for row in rows)
    for row in rows:
        row["title"] = titles.get(row["top_item_id"], "")
        row["bidder_id"] = bids[row["top_bid_id"]]["bidder_id"]
        row["bidder_name"] = bids[row["top_bid_id"]]["bidder_name"]
    return rows


def _titles(item_ids) -> dict[uuid.UUID, str]:
    return dict(ListingFact.objects.filter(item_id__in=set(item_ids)).values_list("item_id", "title"))


def hot_items(*, filters: Filters, latest: datetime | None, policy: Policy, limit: int = 10) -> list[dict]:
    """Items with the most bids in the sliding window that ends now in event time (Nexmark q5)."""
    if latest is None:
        return []
    start, end = sliding_span(latest, policy.hot_window, policy.window)
    panes = ItemPane.objects.filter(window_start__gte=start, window_start__lt=end)
    if filters.category:
        panes = panes.filter(category=filters.category)
    rows = list(
        panes.values("item_id", "category").annotate(bids=Sum("bids")).order_by("-bids", "item_id")[:limit]
    )
    item_ids = [row["item_id"] for row in rows]
    titles = _titles(item_ids)
    prices = dict(
        BidFact.objects.filter(item_id__in=item_ids).values("item_id").annotate(price=Max("price")).values_list("item_id", "price")
    )
    currencies = dict(ListingFact.objects.filter(item_id__in=item_ids).values_list("item_id", "currency"))
    for row in rows:
        row.update(title=titles.get(row["item_id"], ""), price=prices.get(row["item_id"]), currency=currencies.get(row["item_id"], ""))
    return rows


def closing_prices(*, filters: Filters) -> list[dict]:
    """Average closing price of sold auctions per category (Nexmark q4)."""
    return list(
        _in_range(OutcomeWindow.objects.filter(outcome__in=SOLD), filters)
        .values("category", "currency")
        .annotate(auctions=Sum("auctions"), price_total=Sum("price_total"))
        .order_by("category", "currency")
    )


def sell_through(*, filters: Filters) -> list[dict]:
    """Closed auctions per category and outcome."""
    return list(
        _in_range(OutcomeWindow.objects, filters)
        .values("category", "outcome")
        .annotate(auctions=Sum("auctions"))
        .order_by("category", "outcome")
    )


def sell_through_over_time(*, filters: Filters) -> list[dict]:
    """Closed auctions per bucket and outcome."""
    return _total_over_time(OutcomeWindow.objects, filters, total="auctions", per="outcome")


def auction_summaries(*, filters: Filters, limit: int | None = None) -> list[AuctionSummary]:
    """Closed auctions in the range, latest first."""
    summaries = _in_range(AuctionSummary.objects, filters, field="closed_at").order_by("-closed_at", "item_id")
    return list(summaries if limit is None else summaries[:limit])


def price_trajectories(*, item_ids: list[uuid.UUID], since: datetime | None = None, latest: int) -> dict[uuid.UUID, list[dict]]:
    """Each item's price after every accepted bid in decision order, from `since`: its `latest` points
    (read as such, so a busy item costs no more than a quiet one)."""
    out: dict[uuid.UUID, list[dict]] = {}
    for item_id in item_ids:
        bids = BidFact.objects.filter(item_id=item_id)
        if since is not None:
            bids = bids.filter(decided_at__gte=since)
        newest = bids.order_by("-decided_at", "-price", "-bid_id").values("item_id", "decided_at", "price")[:latest]
        out[item_id] = list(reversed(newest))
    return out


def late_events(*, filters: Filters, limit: int) -> list[dict]:
    """Late arrivals per window (by their own event time) and kind: the first `limit` rows."""
    events = LateEvent.objects.filter(window_start__gte=filters.since, window_start__lt=filters.until) if filters.since else LateEvent.objects.none()
    return list(events.values("window_start", "kind").annotate(events=Count("id")).order_by("window_start", "kind")[:limit])


def late_event_total() -> int:
    return LateEvent.objects.count()


def suspicious_bidders() -> list[Candidate]:
    """Bidders matching a shill pattern over all closed auctions; staff only."""
    rows = (
        Participation.objects.values("bidder_id", "seller_id")
        .annotate(
            bidder_name=Max("bidder_name"),
            auctions=Count("item_id"),
            bids=Sum("bids"),
            wins=Count("item_id", filter=Q(won=True)),
        )
        .order_by()
    )
    return candidates(BidderSellerTotals(**row) for row in rows)
