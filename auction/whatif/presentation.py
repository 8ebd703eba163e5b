"""A run's figures as people read them: money displayed, changes signed, sell-through in percent."""
from __future__ import annotations

from dataclasses import dataclass

from auction.whatif.models import WhatIfDifference, WhatIfRun
from auction.whatif.rules import rules_changes, rules_from_json
from streams.money import from_minor

FIELD_NAMES = {
    "outcome": "outcome",
    "winner_id": "winner",
    "final_price": "final price",
    "extensions": "extensions",
    "ends_at": "end",
}
OUTCOME_NAMES = {"": "open at the range's end", "sold": "sold", "bought_now": "bought now", "no_bids": "no bids",
                 "reserve_not_met": "reserve not met", "cancelled": "cancelled"}


@dataclass(frozen=True)
class Line:
    label: str
    before: str
    after: str
    change: str


def money(minor: int | None, currency: str) -> str:
    return "—" if minor is None else from_minor(minor, currency).display()


def _signed_money(delta: int, currency: str) -> str:
    if delta == 0:
        return "no change"
    return ("+" if delta > 0 else "−") + from_minor(abs(delta), currency).display()


def _signed(delta: int | float, unit: str = "") -> str:
    if delta == 0:
        return "no change"
    return f"{'+' if delta > 0 else '−'}{abs(delta):g}{unit}"


def _percent(sold: int, ended: int) -> float | None:
    return None if ended == 0 else round(100 * sold / ended, 1)


def totals_lines(run: WhatIfRun) -> dict[str, list[Line]]:
    """Per currency: auctions ended, sold, sell-through, revenue, extensions, before and after the change."""
    shown: dict[str, list[Line]] = {}
    for currency, sides in sorted(run.totals.items()):
        before, after = sides["before"], sides["after"]
        rate_before, rate_after = _percent(before["sold"], before["ended"]), _percent(after["sold"], after["ended"])
        rate_change = "—" if rate_before is None or rate_after is None else _signed(round(rate_after - rate_before, 1), " pts")
        shown[currency] = [
            Line("Auctions ended", str(before["ended"]), str(after["ended"]), _signed(after["ended"] - before["ended"])),
            Line("Sold", str(before["sold"]), str(after["sold"]), _signed(after["sold"] - before["sold"])),
            Line(
                "Sell-through",
                "—" if rate_before is None else f"{rate_before:g}%",
                "—" if rate_after is None else f"{rate_after:g}%",
                rate_change,
            ),
            Line("Revenue", money(before["revenue"], currency), money(after["revenue"], currency),
                 _signed_money(after["revenue"] - before["revenue"], currency)),
            Line("Soft-close extensions", str(before["extensions"]), str(after["extensions"]),
                 _signed(after["extensions"] - before["extensions"])),
        ]
    return shown


def changed_fields(run: WhatIfRun) -> list[tuple[str, int]]:
    return [(FIELD_NAMES.get(name, name), count) for name, count in sorted(run.changed_fields.items())]


def rules_said(run: WhatIfRun) -> list[str]:
    return rules_changes(rules_from_json(run.rules)) or ["none: the live rules"]


def outcome_name(outcome: str) -> str:
    return OUTCOME_NAMES.get(outcome, outcome)


@dataclass(frozen=True)
class DifferenceRow:
    item_id: str
    changed: str
    outcome_before: str
    outcome_after: str
    winner_before: str
    winner_after: str
    price_before: str
    price_after: str
    extensions_before: int
    extensions_after: int


def difference_row(difference: WhatIfDifference) -> DifferenceRow:
    return DifferenceRow(
        item_id=str(difference.item_id),
        changed=", ".join(FIELD_NAMES.get(name, name) for name in difference.changed),
        outcome_before=outcome_name(difference.outcome_before),
        outcome_after=outcome_name(difference.outcome_after),
        winner_before=difference.winner_before or "—",
        winner_after=difference.winner_after or "—",
        price_before=money(difference.price_before, difference.currency),
        price_after=money(difference.price_after, difference.currency),
        extensions_before=difference.extensions_before,
        extensions_after=difference.extensions_after,
    )
