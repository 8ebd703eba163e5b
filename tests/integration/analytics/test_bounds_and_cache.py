"""Every analytics answer is bounded, and computed figures are kept briefly on Redis, per filter and audience."""
import uuid
from datetime import timedelta

import pytest
import redis
from django.db import connection

from auction.analytics import models
from auction.analytics import processor as analytics
from auction.analytics.policy import analytics_policy
from tests.unit.analytics.memory import arrivals_of, facts_of
from tests.workloads.nexmark import Shape, generate

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures():
    arrivals = arrivals_of(facts_of(generate(Shape(items=30, bids=400, span=timedelta(minutes=15), seed=7))))
    analytics.analytics_sink(analytics.NAME, analytics_policy()).commit(arrivals, {})


def _forget_kept_figures(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(match=f"*analytics:*:{connection.settings_dict['NAME']}:*"):
        client.delete(key)
    client.close()


@pytest.fixture
def kept(settings, redis_url):
    """Figures kept for ten minutes (longer than any test), on this run's keys only, forgotten before and after."""
    settings.ANALYTICS_CACHE_SECONDS = 600
    _forget_kept_figures(redis_url)
    yield redis.Redis.from_url(redis_url)
    _forget_kept_figures(redis_url)


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user(username=f"staff-{uuid.uuid4().hex[:6]}", password=None, is_staff=True)


def _bids(client, query: str = "range=all") -> int:
    response = client.get(f"/analytics/data.json?{query}")
    assert response.status_code == 200
    return response.json()["kpis"]["bids"]


def _more_bids(count: int) -> None:
    """Bids the analytics tables gain after the figures were computed."""
    window = models.BidWindow.objects.order_by("-window_start").first()
    window.bids += count
    window.save()


def test_figures_are_computed_once_per_filter_and_kept_on_redis(client, figures, kept, redis_url):
    first = _bids(client)
    assert _kept_keys(kept), "kept on Redis, for every web process"

    _more_bids(5)

    assert _bids(client) == first, "the same filter is answered from what was kept"
    assert _bids(client, "range=all&category=nonsense") == first, "an unknown category is the default filter: one key"
    assert _bids(client, "range=30d") == first + 5, "another filter is computed afresh"
    _forget_kept_figures(redis_url)
    assert _bids(client) == first + 5, "once forgotten, computed again"


def test_staff_figures_are_never_answered_to_visitors(client, figures, kept, staff):
    client.force_login(staff)
    assert "suspicious-bidders" in client.get("/analytics/data.json?range=all").json()["tables"]
    client.logout()

    tables = client.get("/analytics/data.json?range=all").json()["tables"]

    assert "suspicious-bidders" not in tables
    assert "reserve_price" not in [column["key"] for column in tables["auctions"]["columns"]]


def test_without_redis_the_figures_are_computed_all_the_same(client, figures, settings):
    settings.ANALYTICS_CACHE_SECONDS = 600
    settings.CACHES = {**settings.CACHES, "analytics": {**settings.CACHES["analytics"], "LOCATION": "redis://127.0.0.1:1/0"}}

    assert _bids(client) == sum(models.BidWindow.objects.values_list("bids", flat=True))
    assert client.get("/analytics/auctions.csv?range=all").status_code == 200


def test_an_export_longer_than_the_cap_is_refused_with_a_message(client, figures, settings):
    closed = models.AuctionSummary.objects.count()
    settings.ANALYTICS_CSV_MAX_ROWS = closed - 1

    refused = client.get("/analytics/auctions.csv?range=all")

    assert refused.status_code == 400
    assert f"“Closed auctions” has more than {closed - 1:,} rows for this range and category" in refused.content.decode()
    assert "choose a shorter range or one category" in refused.content.decode()

    settings.ANALYTICS_CSV_MAX_ROWS = closed
    allowed = client.get("/analytics/auctions.csv?range=all")
    assert allowed.status_code == 200 and allowed.content.decode().count("\n") == closed + 1


def test_the_price_trajectories_export_is_capped_per_item_too(client, figures, settings):
    settings.ANALYTICS_CSV_MAX_ROWS = 3

    assert client.get("/analytics/price-trajectories.csv?range=all").status_code == 400


def _kept_keys(client: redis.Redis) -> list[bytes]:
    return list(client.scan_iter(match=f"*analytics:*:{connection.settings_dict['NAME']}:*"))
