"""The analytics page, its JSON, CSV exports and the item price chart, on figures the real sink wrote."""
import csv
import io
import json
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from auction.analytics import models
from auction.analytics import processor as analytics
from auction.analytics.policy import analytics_policy
from auction.analytics.presentation import AUCTIONS_ON_PAGE, MEASURES
from auction.bidding.models import Bid
from tests.unit.analytics.memory import arrivals_of, facts_of
from tests.workloads.nexmark import Shape, generate

pytestmark = pytest.mark.django_db

CHARTED = [m.name for m in MEASURES if m.chart is not None]
PUBLIC = [m.name for m in MEASURES if not m.staff_only]
CUT_SHORT_ON_PAGE = {"auctions", "price-trajectories"}


@pytest.fixture
def figures():
    """A closed-out workload applied by the analytics sink, in batches as the processor would."""
    arrivals = arrivals_of(facts_of(generate(Shape(items=60, bids=1200, span=timedelta(minutes=15), seed=4))))
    sink = analytics.analytics_sink(analytics.NAME, analytics_policy())
    for start in range(0, len(arrivals), 300):
        sink.commit(arrivals[start : start + 300], {})
    return arrivals


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user(username=f"staff-{uuid.uuid4().hex[:6]}", password=None, is_staff=True)


def _data(client, query: str = "range=all") -> dict:
    response = client.get(f"/analytics/data.json?{query}")
    assert response.status_code == 200
    return response.json()


def test_the_page_has_a_chart_for_every_charted_measure_and_embeds_its_figures(client, figures):
    response = client.get("/analytics/?range=all")
    assert response.status_code == 200
    html = response.content.decode()
    for name in CHARTED:
        assert f'data-chart="{name}"' in html
    embedded = json.loads(html.split('<script id="analytics-data" type="application/json">')[1].split("</script>")[0])
    assert embedded == _data(client)
    assert embedded["kpis"]["bids"] == models.BidFact.objects.count() > 0
    assert all(embedded["charts"][name] for name in CHARTED)


def test_visitors_see_no_bidder_identities_and_no_reserves(client, figures):
    payload = json.dumps(_data(client))
    page = client.get("/analytics/?range=all").content.decode()
    for name in set(models.BidFact.objects.values_list("bidder_name", flat=True)):
        assert f'"{name}"' not in payload and f">{name}<" not in page
    tables = _data(client)["tables"]
    assert "suspicious-bidders" not in tables
    assert "reserve_price" not in [c["key"] for c in tables["auctions"]["columns"]]
    assert client.get("/analytics/suspicious-bidders.csv").status_code == 404


def test_staff_see_bidders_reserves_and_suspicious_patterns(client, figures, staff):
    client.force_login(staff)
    tables = _data(client)["tables"]
    assert "bidder_name" in [c["key"] for c in tables["highest-bids"]["columns"]]
    assert "reserve_price" in [c["key"] for c in tables["auctions"]["columns"]]
    assert tables["suspicious-bidders"]["rows"], "the workload's shills are listed"
    assert client.get("/analytics/suspicious-bidders.csv").status_code == 200


def test_every_table_exports_as_csv_with_the_figures_of_the_page(client, figures):
    tables = _data(client)["tables"]
    for name in PUBLIC:
        response = client.get(f"/analytics/{name}.csv?range=all")
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        header, *rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert header == [column["key"] for column in tables[name]["columns"]]
        on_page = [[("" if v is None else str(v)) for v in row] for row in tables[name]["rows"]]
        if name in CUT_SHORT_ON_PAGE:
            assert len(on_page) < len(rows) and all(row in rows for row in on_page), f"{name}: the CSV has them all"
        else:
            assert on_page == rows, name
    assert len(tables["auctions"]["rows"]) == AUCTIONS_ON_PAGE


def test_a_category_filter_narrows_every_figure_and_an_unknown_one_shows_all(client, figures):
    everything = _data(client)
    art = _data(client, "range=all&category=art")
    assert art["filters"]["category"] == "art"
    assert {series["label"] for series in art["charts"]["bids"]["series"]} == {"Art"}
    assert 0 < art["kpis"]["bids"] < everything["kpis"]["bids"]
    assert art["kpis"]["bids"] == sum(models.BidWindow.objects.filter(category="art").values_list("bids", flat=True))
    assert _data(client, "range=all&category=nonsense")["kpis"] == everything["kpis"]


def test_a_short_range_counts_back_from_the_latest_event_time(client, figures):
    short, everything = _data(client, "range=15m"), _data(client, "range=all")
    assert short["filters"]["bucket_seconds"] == 60
    assert len(short["charts"]["bids"]["labels"]) <= 16 < len(everything["charts"]["bids"]["labels"])


def test_an_items_price_chart_follows_its_accepted_bids_as_projected(client):
    """The chart reads the bid read model, as the history beside it does: no analytics fact is needed
    for a bid to show (before, an item whose facts lagged said "No bids yet" under its bids)."""
    item_id, start = uuid.uuid4(), datetime(2026, 12, 7, 12, tzinfo=timezone.utc)
    rows = [(20_00, "accepted"), (19_00, "rejected"), (24_50, "accepted"), (31_00, "accepted")]
    for n, (price, status) in enumerate(rows):
        Bid.objects.create(
            id=uuid.uuid4(), item_id=item_id, bidder_id=n + 1, bidder_name=f"b{n}", amount=price, currency="EUR",
            status=status, price_after=price if status == "accepted" else None, seq=n + 1,
            decided_at=start + timedelta(seconds=n),
        )
    points = client.get(f"/analytics/items/{item_id}/prices.json").json()["points"]
    assert [p["y"] for p in points] == [20.0, 24.5, 31.0]
    assert [p["x"] for p in points] == sorted(p["x"] for p in points)


def test_a_title_a_spreadsheet_would_run_as_a_formula_is_exported_as_text(client, figures):
    summary = models.AuctionSummary.objects.order_by("-closed_at").first()
    summary.title = '=HYPERLINK("http://example.test","lamp")'
    summary.save()
    rows = list(csv.reader(io.StringIO(client.get("/analytics/auctions.csv?range=all").content.decode())))
    assert rows[1][1] == "'" + summary.title
