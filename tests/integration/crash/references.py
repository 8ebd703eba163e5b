"""What the crashed processors should have made of the log, computed from the log alone, and compact
differences for the assertions (the tables are thousands of rows: a full diff would bury the point)."""
from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from datetime import timedelta

from auction.notifications.memory import Memory
from tests.integration.crash.scenario import Logged, by_item


def expected_emails(log: Mapping[str, list[Logged]], outbid_throttle: timedelta) -> dict[tuple[str, int, str], dict]:
    """(event id, recipient, kind) → details of every email the ledger should hold, each decided once.

    The notifications processor's own rules (`auction.notifications.memory`, pure), applied to the
    log in one pass with nothing lost or repeated: per item its listing and cancellation, its bid
    history in log order, then its close. (Items are independent; for one item that is the order
    its records reach the processor whatever the interleaving of topics: each is made after the one
    before it.)"""
    listings = by_item(log["auction.items"])
    history = by_item(log["auction.bids.history"])
    closes = by_item(log["auction.items.complete"])
    memory = Memory()
    expected: dict[tuple[str, int, str], dict] = {}
    for item_id, item_events in listings.items():
        for envelope in [*item_events, *history.get(item_id, ()), *closes.get(item_id, ())]:
            for notice in memory.remember(envelope, outbid_throttle):
                key = (envelope.id, notice.recipient_id, notice.kind.value)
                assert key not in expected, f"the rules decided {key} twice"
                expected[key] = dict(notice.details)
    return expected


def multiset_difference(actual: Iterable[Hashable], expected: Iterable[Hashable], *, show: int = 5) -> str | None:
    """None when both hold the same elements equally often; else a short account of the difference."""
    have, want = Counter(actual), Counter(expected)
    if have == want:
        return None
    extra, missing = have - want, want - have
    return (
        f"{sum(extra.values())} unexpected (e.g. {list(extra.items())[:show]}), "
        f"{sum(missing.values())} missing (e.g. {list(missing.items())[:show]})"
    )


def rows_difference(actual: Mapping[str, list], expected: Mapping[str, list], *, show: int = 3) -> list[str]:
    """Per table, the rows found on one side only (rows made hashable), empty when the tables are equal."""
    problems = []
    for table in sorted(set(actual) | set(expected)):
        left = [_hashable(row) for row in actual.get(table, [])]
        right = [_hashable(row) for row in expected.get(table, [])]
        difference = multiset_difference(left, right, show=show)
        if difference:
            problems.append(f"{table}: {difference}")
    return problems


def _hashable(value):
    if isinstance(value, dict):
        return tuple(sorted((key, _hashable(item)) for key, item in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_hashable(item) for item in value)
    return value
