"""How a batch's changes reach PostgreSQL; the processor's batch handler calls these inside the sink's one transaction.

Window cells are added to (`cell += delta`) rather than overwritten, because a window's facts
arrive over several batches; the highest bid keeps the better of stored and new by the same
rule as `streams.analytics.cells.Top.beats`.
"""
import dataclasses
from collections.abc import Iterable

from django.db import connection

from auction.analytics.facts import BIDS, CLOSES, EXTENSIONS, LISTINGS
from auction.analytics.models import AuctionSummary, BidWindow, ItemPane, LateEvent, OutcomeWindow, Participation, SourceWatermark
from streams.analytics.auctions import Participation as Part
from streams.analytics.auctions import Summary
from streams.analytics.cells import Cells
from streams.analytics.facts import AcceptedBid
from streams.analytics.fold import Changes, Late

_BID_WINDOWS = f"""
    INSERT INTO {BidWindow._meta.db_table} AS w (window_start, category, currency, bids, top_amount, top_bid_id, top_item_id)
    VALUES (%s, %s, %s, %s, %s, %s, %s)
    ON CONFLICT (window_start, category, currency) DO UPDATE SET
        bids = w.bids + EXCLUDED.bids,
        top_amount = CASE WHEN {{better}} THEN EXCLUDED.top_amount ELSE w.top_amount END,
        top_bid_id = CASE WHEN {{better}} THEN EXCLUDED.top_bid_id ELSE w.top_bid_id END,
        top_item_id = CASE WHEN {{better}} THEN EXCLUDED.top_item_id ELSE w.top_item_id END
""".format(better="(EXCLUDED.top_amount, w.top_bid_id::text) > (w.top_amount, EXCLUDED.top_bid_id::text)")

_PANES = f"""
    INSERT INTO {ItemPane._meta.db_table} AS p (window_start, item_id, category, bids) VALUES (%s, %s, %s, %s)
    ON CONFLICT (item_id, window_start) DO UPDATE SET bids = p.bids + EXCLUDED.bids
"""

_OUTCOMES = f"""
    INSERT INTO {OutcomeWindow._meta.db_table} AS o (window_start, category, outcome, currency, auctions, price_total)
    VALUES (%s, %s, %s, %s, %s, %s)
    ON CONFLICT (window_start, category, outcome, currency) DO UPDATE SET
        auctions = o.auctions + EXCLUDED.auctions, price_total = o.price_total + EXCLUDED.price_total
"""

_WATERMARKS = f"""
    INSERT INTO {SourceWatermark._meta.db_table} AS m (consumer, topic, partition, latest) VALUES (%s, %s, %s, %s)
    ON CONFLICT (consumer, topic, partition) DO UPDATE SET latest = GREATEST(m.latest, EXCLUDED.latest)
"""


def changes_write(changes: Changes, *, consumer: str) -> None:
    _copy(LISTINGS.model, LISTINGS.all_columns, [LISTINGS.values(listing) for listing in changes.listings])
    _copy(BIDS.model, BIDS.all_columns, [BIDS.values(bid, on_time) for bid, on_time in changes.bids])
    _copy(EXTENSIONS.model, EXTENSIONS.all_columns, [EXTENSIONS.values(extension) for extension in changes.extensions])
    _copy(CLOSES.model, CLOSES.all_columns, [CLOSES.values(close, on_time) for close, on_time in changes.closes])
    _copy(LateEvent, _LATE_COLUMNS, [_late_values(late) for late in changes.late])
    _cells_add(changes.cells)
    _many(_WATERMARKS, [(consumer, topic, partition, mark.latest) for (topic, partition), mark in changes.watermarks.items()])


def _copy(model, fields: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert rows with COPY: the processor inserts every fact it sees, and COPY is PostgreSQL's fast path."""
    if not rows:
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _many(sql: str, rows: list[tuple]) -> None:
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)


def _cells_add(cells: Cells) -> None:
    _many(
        _BID_WINDOWS,
        [
            (key.window_start, key.category, key.currency, tally.bids, tally.top.amount, tally.top.bid_id, tally.top.item_id)
            for key, tally in cells.bid_windows.items()
        ],
    )
    _many(_PANES, [(key.window_start, key.item_id, key.category, bids) for key, bids in cells.panes.items()])
    _many(
        _OUTCOMES,
        [
            (key.window_start, key.category, key.outcome, key.currency, tally.auctions, tally.price_total)
            for key, tally in cells.outcomes.items()
        ],
    )


_LATE_COLUMNS = ("kind", "fact_id", "item_id", "event_time", "window_start", "watermark", "topic", "partition", "offset")


def _late_values(late: Late) -> tuple:
    fact = late.fact
    is_bid = isinstance(fact, AcceptedBid)
    topic, partition = late.source
    kind, fact_id = (LateEvent.Kind.BID, fact.bid_id) if is_bid else (LateEvent.Kind.CLOSE, fact.item_id)
    return (kind.value, fact_id, fact.item_id, fact.at, late.window_start, late.watermark, topic, partition, late.offset)


_SUMMARY_FIELDS = [field.name for field in AuctionSummary._meta.concrete_fields if field.name != "item_id"]
_PARTICIPATION_COLUMNS = tuple(field.name for field in dataclasses.fields(Part))


def summaries_write(summaries: Iterable[tuple[Summary, list[Part]]]) -> None:
    """Replace the summaries and participations of these auctions with freshly computed ones."""
    summaries = list(summaries)
    rows = [AuctionSummary(**_fields(summary)) for summary, _ in summaries]
    AuctionSummary.objects.bulk_create(rows, update_conflicts=True, unique_fields=["item_id"], update_fields=_SUMMARY_FIELDS)
    Participation.objects.filter(item_id__in=[summary.item_id for summary, _ in summaries]).delete()
    _copy(Participation, _PARTICIPATION_COLUMNS, [tuple(_fields(part).values()) for _, parts in summaries for part in parts])


def _fields(value) -> dict:
    return {field.name: getattr(value, field.name) for field in dataclasses.fields(value)}
