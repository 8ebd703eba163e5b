"""Latency quantiles from Prometheus histogram buckets, as `histogram_quantile` estimates them."""
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from prometheus_client import CollectorRegistry, Histogram, generate_latest

from auction.ops.latency import buckets_of, latency, quantile, since

INF = math.inf
BUCKETS = ((0.01, 10.0), (0.1, 90.0), (1.0, 100.0), (INF, 100.0))


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        pytest.param(0.05, 0.005, id="inside the first bucket, from zero"),
        pytest.param(0.5, 0.01 + 0.09 * 40 / 80, id="interpolated in the second bucket"),
        pytest.param(0.99, 0.1 + 0.9 * 9 / 10, id="interpolated in the third"),
    ],
)
def test_quantiles_interpolate_inside_the_bucket_that_holds_them(q, expected):
    assert quantile(BUCKETS, q) == pytest.approx(expected)


def test_observations_beyond_the_last_bound_report_that_bound():
    assert quantile(((0.1, 1.0), (1.0, 1.0), (INF, 10.0)), 0.99) == 1.0


def test_no_observations_no_quantile():
    assert quantile(((0.1, 0.0), (INF, 0.0)), 0.5) is None
    assert latency(((0.1, 0.0), (INF, 0.0))).p50 is None


def test_the_window_is_what_was_observed_since_the_previous_scrape():
    same_bounds = ((0.01, 10.0), (0.1, 20.0), (1.0, 20.0), (INF, 20.0))
    assert since(same_bounds, BUCKETS) == ((0.01, 0.0), (0.1, 70.0), (1.0, 80.0), (INF, 80.0))
    assert since(None, BUCKETS) == BUCKETS
    assert since(((0.01, 1.0), (INF, 1.0)), BUCKETS) == BUCKETS, "other bounds: nothing to subtract"


def test_a_restarted_processor_counts_from_zero_again():
    before_restart = ((0.01, 50.0), (0.1, 100.0), (1.0, 200.0), (INF, 200.0))
    assert since(before_restart, BUCKETS) == BUCKETS


def test_buckets_are_read_from_a_real_exposition_for_one_processor():
    registry = CollectorRegistry()
    histogram = Histogram(
        "end_to_end_seconds", "e2e", ["processor"], namespace="streams", buckets=(0.01, 0.1, 1), registry=registry
    )
    for value in (0.005, 0.05, 0.05, 0.5):
        histogram.labels("bidding-x").observe(value)
    histogram.labels("projector-x").observe(5)
    exposition = generate_latest(registry).decode()
    assert buckets_of(exposition, "bidding-x") == ((0.01, 1.0), (0.1, 3.0), (1.0, 4.0), (INF, 4.0))
    assert buckets_of(exposition, "nobody") is None


@given(st.lists(st.floats(0.0001, 100, allow_nan=False), min_size=1, max_size=200), st.floats(0.01, 0.99))
def test_a_quantile_lies_within_the_bounds_of_its_bucket_and_grows_with_q(values, q):
    bounds = (0.001, 0.01, 0.1, 1.0, 10.0, INF)
    buckets = tuple((bound, float(sum(1 for v in values if v <= bound))) for bound in bounds)
    low, high = quantile(buckets, q), quantile(buckets, min(0.999, q + 0.2))
    assert 0 <= low <= high <= 10.0
