"""A run's differing auctions as CSV, for a spreadsheet: one row each, amounts as "12.50" with their currency."""
from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from auction.whatif.models import WhatIfDifference
from streams.money import from_minor

HEADER = [
    "item_id", "currency", "changed",
    "outcome_live", "outcome_changed", "winner_live", "winner_changed",
    "final_price_live", "final_price_changed", "extensions_live", "extensions_changed",
    "ends_at_live", "ends_at_changed",
]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _amount(minor: int | None, currency: str) -> str:
    return "" if minor is None else from_minor(minor, currency).format()


def csv_lines(differences: Iterable[WhatIfDifference]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(HEADER)
    for d in differences:
        yield writer.writerow([
            d.item_id, d.currency, " ".join(d.changed),
            d.outcome_before, d.outcome_after, d.winner_before, d.winner_after,
            _amount(d.price_before, d.currency), _amount(d.price_after, d.currency),
            d.extensions_before, d.extensions_after, d.ends_at_before.isoformat(), d.ends_at_after.isoformat(),
        ])
