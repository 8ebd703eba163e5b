"""How a batch's changes reach PostgreSQL; the processor's batch handler calls these inside the sink's one transaction.

Facts, summaries and participations are inserted by binary COPY (`cursor.copy_in`). Window
cells are added to (`cell += delta`) rather than overwritten, because a window's facts arrive
over several batches: each table's cells of a batch go in one `INSERT … SELECT FROM
unnest(arrays) ON CONFLICT DO UPDATE` (the batch's cells are distinct keys, as one statement
requires), all of them in one round trip. The highest bid keeps the better of stored and new by
the same rule as `streams.analytics.cells.Top.beats`.
"""
from collections.abc import Iterable

from auction.analytics.facts import BIDS, CLOSES, EXTENSIONS, LISTINGS
from auction.analytics.models import AuctionSummary, BidWindow, ItemPane, LateEvent, OutcomeWindow, Participation, SourceWatermark
from auction.streaming.cursor import UUIDS, copy_in, execute_many, pg_cursor, uuid_list
from streams.analytics.auctions import Participation as Part
from streams.analytics.auctions import Summary
from streams.analytics.cells import Cells
from streams.analytics.facts import AcceptedBid
from streams.analytics.fold import Changes, Late

_BID_WINDOWS = f"""
    INSERT INTO {BidWindow._meta.db_table} AS w (window_start, category, currency, bids, top_amount, top_bid_id, top_item_id)
    SELECT * FROM unnest(%b::timestamptz[], %b::text[], %b::text[], %b::int[], %b::int8[], %b::uuid[], %b::uuid[])
    ON CONFLICT (window_start, category, currency) DO UPDATE SET
        bids = w.bids + EXCLUDED.bids,
        top_amount = CASE WHEN {{better}} THEN EXCLUDED.top_amount ELSE w.top_amount END,
        top_bid_id = CASE WHEN {{better}} THEN EXCLUDED.top_bid_id ELSE w.top_bid_id END,
        top_item_id = CASE WHEN {{better}} THEN EXCLUDED.top_item_id ELSE w.top_item_id END
""".format(better="(EXCLUDED.top_amount, w.top_bid_id::text) > (w.top_amount, EXCLUDED.top_bid_id::text)")

_PANES = f"""
    INSERT INTO {ItemPane._meta.db_table} AS p (window_start, item_id, category, bids)
    SELECT * FROM unnest(%b::timestamptz[], %b::uuid[], %b::text[], %b::int[])
    ON CONFLICT (item_id, window_start) DO UPDATE SET bids = p.bids + EXCLUDED.bids
"""

_OUTCOMES = f"""
    INSERT INTO {OutcomeWindow._meta.db_table} AS o (window_start, category, outcome, currency, auctions, price_total)
    SELECT * FROM unnest(%b::timestamptz[], %b::text[], %b::text[], %b::text[], %b::int[], %b::int8[])
    ON CONFLICT (window_start, category, outcome, currency) DO UPDATE SET
        auctions = o.auctions + EXCLUDED.auctions, price_total = o.price_total + EXCLUDED.price_total
"""

_WATERMARKS = f"""
    INSERT INTO {SourceWatermark._meta.db_table} AS m (consumer, topic, partition, latest)
    SELECT %s, * FROM unnest(%b::text[], %b::int[], %b::timestamptz[])
    ON CONFLICT (consumer, topic, partition) DO UPDATE SET latest = GREATEST(m.latest, EXCLUDED.latest)
"""


def changes_write(changes: Changes, *, consumer: str) -> None:
    cursor = pg_cursor()
    copy_in(cursor, LISTINGS.model, LISTINGS.all_columns, [LISTINGS.values(listing) for listing in changes.listings])
    copy_in(cursor, BIDS.model, BIDS.all_columns, [BIDS.values(bid, on_time) for bid, on_time in changes.bids])
    copy_in(cursor, EXTENSIONS.model, EXTENSIONS.all_columns, [EXTENSIONS.values(extension) for extension in changes.extensions])
    copy_in(cursor, CLOSES.model, CLOSES.all_columns, [CLOSES.values(close, on_time) for close, on_time in changes.closes])
    copy_in(cursor, LateEvent, _LATE_FIELDS, [_late_values(late) for late in changes.late])
    statements = _cells(changes.cells)
    if changes.watermarks:
        sources = list(changes.watermarks.items())
        statements.append((_WATERMARKS, [consumer, *_arrays([(topic, partition, mark.latest) for (topic, partition), mark in sources], 3)]))
    if statements:
        execute_many(statements)


def _arrays(rows: list[tuple], width: int) -> list[list]:
    """Rows → one list per column, the parameters of an `unnest(…)`."""
    return [list(column) for column in zip(*rows)] if rows else [[] for _ in range(width)]


def _cells(cells: Cells) -> list[tuple[str, list]]:
    statements = []
    if cells.bid_windows:
        rows = [
            (key.window_start, key.category, key.currency, tally.bids, tally.top.amount, tally.top.bid_id, tally.top.item_id)
            for key, tally in cells.bid_windows.items()
        ]
        statements.append((_BID_WINDOWS, _arrays(rows, 7)))
    if cells.panes:
        rows = [(key.window_start, key.item_id, key.category, bids) for key, bids in cells.panes.items()]
        statements.append((_PANES, _arrays(rows, 4)))
    if cells.outcomes:
        rows = [
            (key.window_start, key.category, key.outcome, key.currency, tally.auctions, tally.price_total)
            for key, tally in cells.outcomes.items()
        ]
        statements.append((_OUTCOMES, _arrays(rows, 6)))
    return statements


_LATE_FIELDS = ("kind", "fact_id", "item_id", "event_time", "window_start", "watermark", "topic", "partition", "offset")


def _late_values(late: Late) -> tuple:
    fact = late.fact
    is_bid = isinstance(fact, AcceptedBid)
    topic, partition = late.source
    kind, fact_id = (LateEvent.Kind.BID, fact.bid_id) if is_bid else (LateEvent.Kind.CLOSE, fact.item_id)
    return (kind.value, fact_id, fact.item_id, fact.at, late.window_start, late.watermark, topic, partition, late.offset)


_SUMMARY_FIELDS = Summary._fields
_PARTICIPATION_FIELDS = Part._fields


def summaries_write(summaries: Iterable[tuple[Summary, list[Part]]]) -> None:
    """Replace the summaries and participations of these auctions with freshly computed ones."""
    summaries = list(summaries)
    if not summaries:
        return
    item_ids = uuid_list([summary.item_id for summary, _ in summaries])
    execute_many([(_SUMMARIES_DELETE, [item_ids]), (_PARTICIPATIONS_DELETE, [item_ids])])
    cursor = pg_cursor()
    copy_in(cursor, AuctionSummary, _SUMMARY_FIELDS, [summary for summary, _ in summaries])  # named tuples: rows as they are
    copy_in(cursor, Participation, _PARTICIPATION_FIELDS, [part for _, parts in summaries for part in parts])


_SUMMARIES_DELETE = f'DELETE FROM "{AuctionSummary._meta.db_table}" WHERE "item_id" = ANY({UUIDS})'
_PARTICIPATIONS_DELETE = f'DELETE FROM "{Participation._meta.db_table}" WHERE "item_id" = ANY({UUIDS})'
