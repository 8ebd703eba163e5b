"""The analytics page, the JSON it polls, CSV exports, and an item's price over time.

Public figures for everyone; bidder identities and reserves only for staff (`presentation`).
"""
import csv
import uuid

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from auction.analytics import selectors
from auction.bidding.selectors import price_path
from auction.analytics.filters import RANGES, filters_from
from auction.analytics.policy import analytics_policy
from auction.analytics.presentation import (
    MEASURES,
    MEASURES_BY_NAME,
    POINTS_ON_PAGE,
    Context,
    category_label,
    dashboard,
    measure_table,
    price_points,
    visible,
)
from auction.staff.access import is_staff


def _context(request: HttpRequest, *, on_page: bool) -> Context:
    policy = analytics_policy()
    clock = selectors.analytics_clock(policy=policy)
    filters = filters_from(
        request.GET, categories=selectors.analytics_categories(), latest=clock.latest, earliest=clock.earliest, window=policy.window
    )
    return Context(filters=filters, clock=clock, policy=policy, staff=is_staff(request.user), on_page=on_page)


@require_GET
def analytics_page(request: HttpRequest) -> HttpResponse:
    ctx = _context(request, on_page=True)
    return render(
        request,
        "analytics/page.html",
        {
            "data": dashboard(ctx),
            "filters": ctx.filters,
            "categories": [(code, category_label(code)) for code in selectors.analytics_categories()],
            "ranges": [(key, label) for key, (label, _) in RANGES.items()],
            "measures": [
                {"name": m.name, "title": m.title, "has_chart": m.chart is not None} for m in MEASURES if visible(m, ctx)
            ],
            "refresh_seconds": settings.ANALYTICS_REFRESH_SECONDS,
        },
    )


@require_GET
def analytics_data(request: HttpRequest) -> JsonResponse:
    return JsonResponse(dashboard(_context(request, on_page=True)))


@require_GET
def analytics_csv(request: HttpRequest, name: str) -> HttpResponse:
    ctx = _context(request, on_page=False)
    measure = MEASURES_BY_NAME.get(name)
    if measure is None or not visible(measure, ctx):
        raise Http404("no such table")
    table = measure_table(measure, ctx)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{table.name}.csv"'
    writer = csv.writer(response)
    writer.writerow([column.key for column in table.columns])
    text = [column.kind == "text" for column in table.columns]
    writer.writerows([[_inert(value) if is_text else value for value, is_text in zip(row, text)] for row in table.rows])
    return response


def _inert(value):
    """Text a spreadsheet would run as a formula (a title like "=HYPERLINK(…)") gets a leading quote."""
    return f"'{value}" if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@require_GET
def item_prices(request: HttpRequest, item_id: uuid.UUID) -> JsonResponse:
    """The item's price after each accepted bid (the latest ones, for a busy item), for the chart on its page.

    From the bid read model, like the history beside the chart: the analytics facts follow in event
    time and may lag (or not have reached a bid yet), which left the chart saying "No bids yet"."""
    path = price_path(item_id=item_id, latest=POINTS_ON_PAGE)
    return JsonResponse({"item_id": str(item_id), "points": price_points(path)})
