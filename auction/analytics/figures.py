"""The figures a request asks for: computed once per filter, then kept briefly in the shared cache.

Every visitor's page polls `/analytics/data.json`, and anyone can ask for a CSV export; each
answer reads and aggregates the analytics tables. So an answer is kept for
`ANALYTICS_CACHE_SECONDS` in the `analytics` cache (Redis, shared by every web process), keyed
by what decides it: the database, the figures asked for (the dashboard, or one table), the
category and range (only known ones: anything else is the default, as `filters_from` reads it,
so there are only so many keys) and whether the viewer is staff. Within a process, one request computes a missing answer while
the others asking for the same wait for it, so a burst costs one computation; figures are at most
that many seconds older than the tables. When the cache cannot be reached, answers are computed
without it.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.db import connection

from auction.analytics import selectors
from auction.analytics.filters import DEFAULT_RANGE, RANGES, filters_from
from auction.analytics.policy import analytics_policy
from auction.analytics.presentation import MEASURES_BY_NAME, Context, Table, csv_max_rows, dashboard, measure_table

CACHE_ALIAS = "analytics"
VERSION = 1
"""Part of every key: raise it when the shape of what is kept changes."""
log = logging.getLogger(__name__)
T = TypeVar("T")


class TooManyRows(Exception):
    """A CSV export longer than `csv_max_rows()` for the range and category asked."""

    def __init__(self, title: str, limit: int) -> None:
        super().__init__(
            f"“{title}” has more than {limit:,} rows for this range and category; "
            "choose a shorter range or one category to export it."
        )


def _context(params: Mapping[str, str], categories: list[str], *, staff: bool, on_page: bool) -> Context:
    policy = analytics_policy()
    clock = selectors.analytics_clock(policy=policy)
    filters = filters_from(params, categories=categories, latest=clock.latest, earliest=clock.earliest, window=policy.window)
    return Context(filters=filters, clock=clock, policy=policy, staff=staff, on_page=on_page)


def _key(*parts: str) -> str:
    return ":".join(("analytics", str(VERSION), connection.settings_dict["NAME"], *parts))


def categories() -> list[str]:
    """The categories analytics has seen (kept like the figures: finding them reads every listing)."""
    return cached(_key("categories"), selectors.analytics_categories)


def figures_changed() -> None:
    """The tables moved (the analytics processor committed a batch): what was kept is stale from now on.

    Kept answers are keyed by a generation this raises, so a page told of the change (the live
    announcement follows) never fetches the figures from before it."""
    cache = caches[CACHE_ALIAS]
    try:
        try:
            cache.incr(_key("generation"))
        except ValueError:  # no generation yet
            cache.set(_key("generation"), 1, None)
    except Exception:
        log.warning("analytics cache unavailable; kept figures not marked stale", exc_info=True)


def _generation() -> str:
    try:
        return str(caches[CACHE_ALIAS].get(_key("generation"), 0))
    except Exception:
        return "unknown"


def _figures_key(what: str, params: Mapping[str, str], known: list[str], staff: bool) -> str:
    """The key of the figures `filters_from` makes of `params`: an unknown category or range is the default."""
    category = params.get("category", "")
    chosen = params.get("range", DEFAULT_RANGE)
    return _key(
        what,
        _generation(),
        category if category in known else "",
        chosen if chosen in RANGES else DEFAULT_RANGE,
        "staff" if staff else "public",
    )


_MISSING = object()
_computing: dict[str, threading.Lock] = {}
_computing_guard = threading.Lock()


def _kept(key: str) -> Any:
    try:
        return caches[CACHE_ALIAS].get(key, _MISSING)
    except Exception:  # the cache is a help, not a dependency: compute instead
        log.warning("analytics cache unavailable; computing figures without it", exc_info=True)
        return _MISSING


def _keep(key: str, value: Any) -> None:
    try:
        caches[CACHE_ALIAS].set(key, value, settings.ANALYTICS_CACHE_SECONDS)
    except Exception:
        log.warning("analytics cache unavailable; figures not kept", exc_info=True)


def cached(key: str, compute: Callable[[], T]) -> T:
    """The answer kept under `key`, else `compute()` kept there; one caller per key and process computes."""
    value = _kept(key)
    if value is not _MISSING:
        return value
    with _computing_guard:
        lock = _computing.setdefault(key, threading.Lock())  # keys are few: known filters only
    with lock:
        value = _kept(key)
        if value is _MISSING:
            value = compute()
            _keep(key, value)
    return value


def dashboard_figures(*, params: Mapping[str, str], staff: bool) -> dict:
    """What the page shows and its JSON carries: `data` (the dashboard), `filters` and `categories`."""
    known = categories()

    def compute() -> dict:
        ctx = _context(params, known, staff=staff, on_page=True)
        return {"data": dashboard(ctx), "filters": ctx.filters, "categories": known}

    return cached(_figures_key("dashboard", params, known, staff), compute)


def table_figures(*, name: str, params: Mapping[str, str], staff: bool) -> Table | None:
    """One table for a CSV export, or None when there is no such table for this viewer; `TooManyRows`
    when it is longer than an export may be."""
    measure = MEASURES_BY_NAME.get(name)
    if measure is None or (measure.staff_only and not staff):
        return None
    known = categories()

    def compute() -> Table | str:
        table = measure_table(measure, _context(params, known, staff=staff, on_page=False))
        return table if len(table.rows) <= limit else table.title  # a refusal is kept too

    limit = csv_max_rows()
    table = cached(_figures_key(f"table-{name}-{limit}", params, known, staff), compute)
    if isinstance(table, str):
        raise TooManyRows(table, limit)
    return table
