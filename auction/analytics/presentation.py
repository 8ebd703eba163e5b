"""The analytics figures as tables and chart series: one `Measure` per figure.

A measure reads its rows once and shapes them both ways, so the page's charts, its tables,
the JSON the page polls and the CSV export always show the same numbers. Bidder identities
and reserve prices appear only in staff views.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings

from auction.analytics import selectors
from auction.analytics.filters import Filters
from auction.analytics.selectors import Clock
from auction.catalog.categories import CATEGORY_LABELS
from streams.analytics.policy import Policy
from streams.money import from_minor

OUTCOMES = ("sold", "bought_now", "reserve_not_met", "no_bids", "cancelled")
OUTCOME_LABELS = {
    "sold": "Sold",
    "bought_now": "Bought now",
    "reserve_not_met": "Reserve not met",
    "no_bids": "No bids",
    "cancelled": "Cancelled",
}
TRAJECTORIES_SHOWN = 5
POINTS_ON_PAGE = 300
"""Latest price changes per trajectory on the page; a CSV export has up to `csv_max_rows()`."""
AUCTIONS_ON_PAGE = 50
ROWS_ON_PAGE = 500
"""Rows of the other long tables (late events, suspicious patterns) on the page."""


@dataclass(frozen=True)
class Context:
    filters: Filters
    clock: Clock
    policy: Policy
    staff: bool
    on_page: bool
    """True for the page and its JSON (long tables cut short), False for a CSV export (up to `csv_max_rows()`)."""

    def rows(self, on_page: int) -> int:
        """How many rows a long table reads: `on_page` for the page, one past the export's cap for a CSV
        (so an export that would be cut is noticed and refused, not cut silently)."""
        return on_page if self.on_page else csv_max_rows() + 1


def csv_max_rows() -> int:
    """Rows of a CSV export (`ANALYTICS_CSV_MAX_ROWS`): a table longer than this, for the range and
    category asked, is refused with a message asking for a shorter range, and never read whole."""
    return settings.ANALYTICS_CSV_MAX_ROWS


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"
    """How the page formats it: text, int, money (a decimal string), time (ISO 8601), share (0..1), seconds."""


@dataclass
class Table:
    name: str
    title: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "name": self.name,
            "title": self.title,
            "columns": [{"key": c.key, "label": c.label, "kind": c.kind} for c in self.columns],
            "rows": self.rows,
        }


@dataclass(frozen=True)
class Measure:
    name: str
    title: str
    read: Callable[[Context], object]
    table: Callable[[object, Context], Table]
    chart: Callable[[object, Context], dict] | None = None
    staff_only: bool = False


def category_label(code: str) -> str:
    return CATEGORY_LABELS.get(code, code)


def _money(minor: int | None, currency: str) -> str | None:
    """A decimal string such as "-12.50" (differences of prices can be negative)."""
    if minor is None:
        return None
    text = from_minor(abs(minor), currency).format()
    return f"-{text}" if minor < 0 else text


def _major(minor: int | None) -> float | None:
    return None if minor is None else minor / 100


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat().replace("+00:00", "Z")


def _buckets(filters: Filters) -> list[datetime]:
    if filters.since is None:
        return []
    out, moment = [], filters.since
    while moment < filters.until:
        out.append(moment)
        moment += filters.bucket
    return out


def _series(rows: list[dict], key: str, names: list[str], labels: dict, filters: Filters, value: str) -> dict:
    """Stacked series over the range's buckets, zero where a bucket has no rows."""
    buckets = _buckets(filters)
    index = {bucket: position for position, bucket in enumerate(buckets)}
    data = {name: [0] * len(buckets) for name in names}
    for row in rows:
        if row["bucket"] in index and row[key] in data:
            data[row[key]][index[row["bucket"]]] += row[value]
    return {
        "labels": [_iso(bucket) for bucket in buckets],
        "series": [{"key": name, "label": labels.get(name, name), "data": data[name]} for name in names if any(data[name])],
    }


# -- bids over time --------------------------------------------------------------------------


def _bids_table(rows, ctx: Context) -> Table:
    return Table(
        "bids",
        "Bids per bucket and category",
        [Column("bucket", "From", "time"), Column("category", "Category"), Column("bids", "Bids", "int")],
        [[_iso(row["bucket"]), category_label(row["category"]), row["bids"]] for row in rows],
    )


def _bids_chart(rows, ctx: Context) -> dict:
    categories = sorted({row["category"] for row in rows})
    chart = _series(rows, "category", categories, {c: category_label(c) for c in categories}, ctx.filters, "bids")
    return {**chart, "bucket_seconds": ctx.filters.bucket.total_seconds()}


# -- highest bid per window (q7) ---------------------------------------------------------------


def _highest_table(rows, ctx: Context) -> Table:
    columns = [Column("bucket", "From", "time"), Column("title", "Item"), Column("amount", "Highest bid", "money"), Column("currency", "Currency")]
    if ctx.staff:
        columns += [Column("bidder_id", "Bidder id", "int"), Column("bidder_name", "Bidder")]
    table = Table("highest-bids", "Highest bid per bucket", columns)
    for row in rows:
        cells = [_iso(row["bucket"]), row["title"], _money(row["top_amount"], row["currency"]), row["currency"]]
        table.rows.append(cells + ([row["bidder_id"], row["bidder_name"]] if ctx.staff else []))
    return table


def _highest_chart(rows, ctx: Context) -> dict:
    by_bucket = {row["bucket"]: row for row in rows}
    buckets = _buckets(ctx.filters)
    return {
        "labels": [_iso(bucket) for bucket in buckets],
        "data": [_major(by_bucket[b]["top_amount"]) if b in by_bucket else None for b in buckets],
        "items": [by_bucket[b]["title"] if b in by_bucket else None for b in buckets],
    }


# -- hot items (q5) and their price trajectories -------------------------------------------------


def _hot_read(ctx: Context) -> list[dict]:
    return selectors.hot_items(filters=ctx.filters, latest=ctx.clock.latest, policy=ctx.policy)


def _hot_table(rows, ctx: Context) -> Table:
    minutes = int(ctx.policy.hot_window.total_seconds() // 60)
    return Table(
        "hot-items",
        f"Hot items: most bids in the last {minutes} minutes",
        [
            Column("rank", "#", "int"),
            Column("title", "Item"),
            Column("category", "Category"),
            Column("bids", "Bids", "int"),
            Column("price", "Price", "money"),
            Column("currency", "Currency"),
            Column("item_id", "Item id"),
        ],
        [
            [rank, row["title"], category_label(row["category"]), row["bids"], _money(row["price"], row["currency"]), row["currency"], str(row["item_id"])]
            for rank, row in enumerate(rows, start=1)
        ],
    )


def _hot_chart(rows, ctx: Context) -> dict:
    return {"labels": [row["title"] for row in rows], "data": [row["bids"] for row in rows], "items": [str(row["item_id"]) for row in rows]}


def _trajectories_read(ctx: Context) -> list[tuple[dict, list[dict]]]:
    hot = _hot_read(ctx)[:TRAJECTORIES_SHOWN]
    paths = selectors.price_trajectories(
        item_ids=[row["item_id"] for row in hot], since=ctx.filters.since, latest=ctx.rows(POINTS_ON_PAGE)
    )
    return [(row, paths[row["item_id"]]) for row in hot]


def _trajectories_table(pairs, ctx: Context) -> Table:
    table = Table(
        "price-trajectories",
        "Price over time of the hottest items",
        [Column("item_id", "Item id"), Column("title", "Item"), Column("at", "At", "time"), Column("price", "Price", "money"), Column("currency", "Currency")],
    )
    for item, path in pairs:
        table.rows += [[str(item["item_id"]), item["title"], _iso(p["decided_at"]), _money(p["price"], item["currency"]), item["currency"]] for p in path]
    return table


def _trajectories_chart(pairs, ctx: Context) -> dict:
    return {"series": [{"label": item["title"], "points": price_points(path)} for item, path in pairs]}


def price_points(path: list[dict]) -> list[dict]:
    """A price path as chart points: x in epoch milliseconds, y in major units."""
    return [{"x": int(p["decided_at"].timestamp() * 1000), "y": _major(p["price"])} for p in path]


# -- closing prices (q4) and sell-through ---------------------------------------------------------


def _closing_table(rows, ctx: Context) -> Table:
    return Table(
        "closing-prices",
        "Average closing price per category",
        [Column("category", "Category"), Column("auctions", "Sold", "int"), Column("average", "Average price", "money"), Column("currency", "Currency")],
        [
            [category_label(row["category"]), row["auctions"], _money(row["price_total"] // row["auctions"], row["currency"]), row["currency"]]
            for row in rows
        ],
    )


def _closing_chart(rows, ctx: Context) -> dict:
    return {
        "labels": [f"{category_label(row['category'])} ({row['currency']})" for row in rows],
        "data": [_major(row["price_total"] // row["auctions"]) for row in rows],
    }


def _sell_through_table(rows, ctx: Context) -> Table:
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        counts.setdefault(row["category"], {})[row["outcome"]] = row["auctions"]
    table = Table(
        "sell-through",
        "Sell-through per category",
        [Column("category", "Category")] + [Column(o, OUTCOME_LABELS[o], "int") for o in OUTCOMES] + [Column("rate", "Sell-through", "share")],
    )
    for category, by_outcome in sorted(counts.items()):
        table.rows.append([category_label(category)] + [by_outcome.get(o, 0) for o in OUTCOMES] + [sell_through_rate(by_outcome)])
    return table


def sell_through_rate(by_outcome: dict[str, int]) -> float | None:
    """Sold or bought now, out of the auctions that ran to an end (cancelled ones never had the chance)."""
    ran = sum(count for outcome, count in by_outcome.items() if outcome != "cancelled")
    return sum(by_outcome.get(o, 0) for o in ("sold", "bought_now")) / ran if ran else None


def _sell_through_chart(rows, ctx: Context) -> dict:
    categories = sorted({row["category"] for row in rows})
    counts = {(row["category"], row["outcome"]): row["auctions"] for row in rows}
    return {
        "labels": [category_label(c) for c in categories],
        "series": [
            {"key": o, "label": OUTCOME_LABELS[o], "data": [counts.get((c, o), 0) for c in categories]}
            for o in OUTCOMES
            if any(counts.get((c, o)) for c in categories)
        ],
    }


def _sell_through_time_table(rows, ctx: Context) -> Table:
    return Table(
        "sell-through-over-time",
        "Closed auctions per bucket and outcome",
        [Column("bucket", "From", "time"), Column("outcome", "Outcome"), Column("auctions", "Auctions", "int")],
        [[_iso(row["bucket"]), OUTCOME_LABELS.get(row["outcome"], row["outcome"]), row["auctions"]] for row in rows],
    )


def _sell_through_time_chart(rows, ctx: Context) -> dict:
    return _series(rows, "outcome", list(OUTCOMES), OUTCOME_LABELS, ctx.filters, "auctions")


# -- per closed auction -----------------------------------------------------------------------


def _auctions_read(ctx: Context):
    return selectors.auction_summaries(filters=ctx.filters, limit=ctx.rows(AUCTIONS_ON_PAGE))


def _auctions_table(summaries, ctx: Context) -> Table:
    columns = [
        Column("closed_at", "Closed", "time"),
        Column("title", "Item"),
        Column("category", "Category"),
        Column("outcome", "Outcome"),
        Column("currency", "Currency"),
        Column("starting_price", "Start", "money"),
        Column("final_price", "Final", "money"),
        Column("second_bid", "2nd bid", "money"),
        Column("spread", "Spread", "money"),
        Column("over_start", "Over start", "money"),
        Column("bids", "Bids", "int"),
        Column("bidders", "Bidders", "int"),
        Column("first_bid_seconds", "First bid after", "seconds"),
        Column("last_minute_bid_share", "Bids in last minute", "share"),
        Column("last_minute_price_share", "Price rise in last minute", "share"),
        Column("extensions", "Extensions", "int"),
    ]
    if ctx.staff:
        columns += [Column("reserve_price", "Reserve", "money"), Column("over_reserve", "Over reserve", "money")]
    money = {c.key for c in columns if c.kind == "money"}
    table = Table("auctions", "Closed auctions", columns)
    for summary in summaries:
        row = []
        for column in columns:
            value = getattr(summary, column.key)
            if column.key == "category":
                value = category_label(value)
            elif column.key == "outcome":
                value = OUTCOME_LABELS.get(value, value)
            elif column.key in money:
                value = _money(value, summary.currency)
            elif column.kind == "time":
                value = _iso(value)
            row.append(value)
        table.rows.append(row)
    return table


# -- late events and suspicious patterns ------------------------------------------------------


def _late_table(rows, ctx: Context) -> Table:
    return Table(
        "late-events",
        "Late events per window (kept out of the window figures)",
        [Column("window_start", "Window", "time"), Column("kind", "Kind"), Column("events", "Events", "int")],
        [[_iso(row["window_start"]), row["kind"], row["events"]] for row in rows],
    )


def _suspicious_table(found, ctx: Context) -> Table:
    return Table(
        "suspicious-bidders",
        "Bidders worth a look (candidates, not verdicts)",
        [
            Column("bidder_id", "Bidder id", "int"),
            Column("bidder_name", "Bidder"),
            Column("pattern", "Pattern"),
            Column("auctions", "Auctions", "int"),
            Column("bids", "Bids", "int"),
            Column("wins", "Wins", "int"),
            Column("seller_id", "Seller id", "int"),
            Column("seller_share", "Share to that seller", "share"),
        ],
        [[c.bidder_id, c.bidder_name, c.pattern.value, c.auctions, c.bids, c.wins, c.seller_id, c.seller_share] for c in found],
    )


MEASURES: tuple[Measure, ...] = (
    Measure("bids", "Bids over time", lambda ctx: selectors.bids_over_time(filters=ctx.filters), _bids_table, _bids_chart),
    Measure("hot-items", "Hot items now", _hot_read, _hot_table, _hot_chart),
    Measure("price-trajectories", "Price trajectories", _trajectories_read, _trajectories_table, _trajectories_chart),
    Measure("closing-prices", "Closing price by category", lambda ctx: selectors.closing_prices(filters=ctx.filters), _closing_table, _closing_chart),
    Measure("sell-through", "Sell-through", lambda ctx: selectors.sell_through(filters=ctx.filters), _sell_through_table, _sell_through_chart),
    Measure(
        "sell-through-over-time",
        "Sell-through over time",
        lambda ctx: selectors.sell_through_over_time(filters=ctx.filters),
        _sell_through_time_table,
        _sell_through_time_chart,
    ),
    Measure("highest-bids", "Highest bid per window", lambda ctx: selectors.highest_bids(filters=ctx.filters), _highest_table, _highest_chart),
    Measure("auctions", "Closed auctions", _auctions_read, _auctions_table),
    Measure("late-events", "Late events", lambda ctx: selectors.late_events(filters=ctx.filters, limit=ctx.rows(ROWS_ON_PAGE)), _late_table),
    Measure(
        "suspicious-bidders",
        "Suspicious patterns",
        lambda ctx: selectors.suspicious_bidders()[: ctx.rows(ROWS_ON_PAGE)],
        _suspicious_table,
        staff_only=True,
    ),
)
MEASURES_BY_NAME = {measure.name: measure for measure in MEASURES}


def visible(measure: Measure, ctx: Context) -> bool:
    return ctx.staff or not measure.staff_only


def measure_table(measure: Measure, ctx: Context) -> Table:
    return measure.table(measure.read(ctx), ctx)


def dashboard(ctx: Context) -> dict:
    """Everything the page shows, as JSON: the page renders it on load and again on every poll."""
    charts, tables = {}, {}
    for measure in MEASURES:
        if not visible(measure, ctx):
            continue
        rows = measure.read(ctx)
        tables[measure.name] = measure.table(rows, ctx).as_json()
        if measure.chart is not None:
            charts[measure.name] = measure.chart(rows, ctx)
    return {
        "clock": {
            "latest": _iso(ctx.clock.latest),
            "final_until": _iso(ctx.clock.final_until),
            "allowed_lateness_seconds": ctx.policy.allowed_lateness.total_seconds(),
            "window_seconds": ctx.policy.window.total_seconds(),
        },
        "filters": {"category": ctx.filters.category, "range": ctx.filters.range, "bucket_seconds": ctx.filters.bucket.total_seconds()},
        "kpis": _kpis(charts),
        "charts": charts,
        "tables": tables,
    }


def _kpis(charts: dict) -> dict:
    bids = sum(sum(series["data"]) for series in charts["bids"]["series"])
    outcomes = {series["key"]: sum(series["data"]) for series in charts["sell-through"]["series"]}
    return {
        "bids": bids,
        "closed": sum(outcomes.values()),
        "sell_through": sell_through_rate(outcomes),
        "late_events": selectors.late_event_total(),
    }
