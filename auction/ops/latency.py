"""End-to-end latency quantiles per flow, from the processors' own Prometheus histograms.

Every processor observes, per batch, the time from an input event's `ce_time` to the commit of
its effects (`streams_end_to_end_seconds`, see `streams.runtime.metrics`). The ops page scrapes
each processor's endpoint and estimates p50/p99 the way Prometheus' `histogram_quantile` does,
over the observations since its previous scrape (or since the processor started, the first time).
"""
from __future__ import annotations

import math
import urllib.request
from dataclasses import dataclass

from prometheus_client.parser import text_string_to_metric_families

HISTOGRAM = "streams_end_to_end_seconds"
SCRAPE_TIMEOUT_S = 1.0

Buckets = tuple[tuple[float, float], ...]
"""Cumulative (upper bound, count) pairs, ascending, the last one's bound +Inf."""


@dataclass(frozen=True)
class Latency:
    p50: float | None
    p99: float | None
    count: int
    """Observations the quantiles are estimated from."""


def scrape(url: str) -> str | None:
    """The endpoint's exposition text, or None when it cannot be read (the processor is down, say)."""
    try:
        with urllib.request.urlopen(url, timeout=SCRAPE_TIMEOUT_S) as response:
            return response.read().decode()
    except (OSError, ValueError):
        return None


def buckets_of(exposition: str, processor: str) -> Buckets | None:
    for family in text_string_to_metric_families(exposition):
        if family.name == HISTOGRAM:
            pairs = sorted(
                (float(sample.labels["le"]), sample.value)
                for sample in family.samples
                if sample.name == f"{HISTOGRAM}_bucket" and sample.labels.get("processor") == processor
            )
            return tuple(pairs) or None
    return None


def merged(instances: list[Buckets | None]) -> Buckets | None:
    """One processor's histogram from its instances' (None: an instance without observations).

    Counts are added bound by bound; an instance whose bounds differ from the first one's is left out."""
    found = [buckets for buckets in instances if buckets]
    if not found:
        return None
    bounds = [le for le, _ in found[0]]
    same = [buckets for buckets in found if [le for le, _ in buckets] == bounds]
    return tuple((le, sum(buckets[i][1] for buckets in same)) for i, le in enumerate(bounds))


def since(previous: Buckets | None, current: Buckets) -> Buckets:
    """The observations made after `previous`; all of them if there is none or the processor restarted."""
    if previous is None or [le for le, _ in previous] != [le for le, _ in current]:
        return current
    if any(now < before for (_, before), (_, now) in zip(previous, current)):
        return current
    return tuple((le, now - before) for (le, before), (_, now) in zip(previous, current))


def quantile(buckets: Buckets, q: float) -> float | None:
    """Linear interpolation inside the bucket holding the q-th observation, as Prometheus does."""
    total = buckets[-1][1] if buckets else 0
    if total <= 0:
        return None
    rank = q * total
    lower, below = 0.0, 0.0
    for upper, count in buckets:
        if count >= rank:
            if math.isinf(upper):
                return lower  # beyond the last finite bound: that bound is the best estimate
            if count == below:
                return upper
            return lower + (upper - lower) * (rank - below) / (count - below)
        lower, below = upper, count
    return lower


def latency(buckets: Buckets) -> Latency:
    return Latency(p50=quantile(buckets, 0.5), p99=quantile(buckets, 0.99), count=int(buckets[-1][1]) if buckets else 0)
