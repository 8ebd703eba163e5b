"""The analytics page, the JSON it polls, CSV exports, and an item's price over time.

Public figures for everyone; bidder identities and reserves only for staff (`presentation`).
Answers are bounded (long tables cut short on the page, exports capped) and kept briefly in
the shared cache (`figures`), so a flood of requests does not recompute them each time.
"""
import csv
import uuid

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from auction.analytics.figures import TooManyRows, dashboard_figures, table_figures
from auction.analytics.filters import RANGES
from auction.analytics.presentation import MEASURES, POINTS_ON_PAGE, category_label, price_points
from auction.bidding.selectors import price_path
from auction.staff.access import is_staff


@require_GET
def analytics_page(request: HttpRequest) -> HttpResponse:
    staff = is_staff(request.user)
    figures = dashboard_figures(params=request.GET, staff=staff)
    return render(
        request,
        "analytics/page.html",
        {
            "data": figures["data"],
            "filters": figures["filters"],
            "categories": [(code, category_label(code)) for code in figures["categories"]],
            "ranges": [(key, label) for key, (label, _) in RANGES.items()],
            "measures": [
                {"name": m.name, "title": m.title, "has_chart": m.chart is not None} for m in MEASURES if staff or not m.staff_only
            ],
            "refresh_seconds": settings.ANALYTICS_REFRESH_SECONDS,
        },
    )


@require_GET
def analytics_data(request: HttpRequest) -> JsonResponse:
    return JsonResponse(dashboard_figures(params=request.GET, staff=is_staff(request.user))["data"])


@require_GET
def analytics_csv(request: HttpRequest, name: str) -> HttpResponse:
    try:
        table = table_figures(name=name, params=request.GET, staff=is_staff(request.user))
    except TooManyRows as refused:
        context = {"status": 400, "title": "Too many rows to export", "message": str(refused), "fields": {}}
        return render(request, "error.html", context, status=400)
    if table is None:
        raise Http404("no such table")
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
