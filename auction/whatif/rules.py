"""A rule change as staff write it (the increment table as text) and as a run keeps it (JSON)."""
from __future__ import annotations

from typing import Any

from streams.bidding import LIVE_INCREMENTS, MAX_BID_AMOUNT, BuyNowRule, IncrementTable, Rules
from streams.money import Money, from_minor

MAX_ROWS = 50


class RulesInvalid(ValueError):
    """What is wrong with a rule change, in words for the person who wrote it."""


def _minor(text: str, line: int) -> int:
    try:
        minor = Money.parse(text).minor
    except ValueError:
        raise RulesInvalid(f"Line {line}: “{text}” is not an amount: write digits with at most two decimals, like 1.25.") from None
    if minor > MAX_BID_AMOUNT:
        raise RulesInvalid(f"Line {line}: {text} is more than any bid may be.")
    return minor


def _text(minor: int) -> str:
    return from_minor(minor).format()


def increments_from_text(text: str) -> IncrementTable:
    """One row a line, "from step" in the currency (e.g. "1.00 0.25": from 1.00 up, bids go up by 0.25)."""
    rows = []
    lines = [(n, line.split()) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    if len(lines) > MAX_ROWS:
        raise RulesInvalid(f"An increment table has at most {MAX_ROWS} rows.")
    for n, words in lines:
        if len(words) != 2:
            raise RulesInvalid(f"Line {n}: write the price a row starts at and its increment, e.g. “1.00 0.25”.")
        rows.append((_minor(words[0], n), _minor(words[1], n)))
    try:
        return IncrementTable(tuple(rows))
    except ValueError as error:
        raise RulesInvalid(f"The increment table cannot work: {error}.") from None


def increments_as_text(table: IncrementTable = LIVE_INCREMENTS) -> str:
    return "\n".join(f"{_text(lower)} {_text(step)}" for lower, step in table.rows)


def rules_as_json(rules: Rules) -> dict[str, Any]:
    return {
        "increments": [list(row) for row in rules.increments.rows],
        "proxy_bidding": rules.proxy_bidding,
        "buy_now": rules.buy_now.value,
        "extension_window_seconds": rules.extension_window_seconds,
        "extension_cap_seconds": rules.extension_cap_seconds,
    }


def rules_from_json(data: dict[str, Any]) -> Rules:
    return Rules(
        increments=IncrementTable(tuple((int(lower), int(step)) for lower, step in data["increments"])),
        proxy_bidding=bool(data["proxy_bidding"]),
        buy_now=BuyNowRule(data["buy_now"]),
        extension_window_seconds=data["extension_window_seconds"],
        extension_cap_seconds=data["extension_cap_seconds"],
    )


def rules_changes(rules: Rules) -> list[str]:
    """What the change changes, in words (empty: the live rules)."""
    said = []
    if rules.increments != LIVE_INCREMENTS:
        said.append("increment table: " + "; ".join(f"from {_text(lower)} +{_text(step)}" for lower, step in rules.increments.rows))
    if not rules.proxy_bidding:
        said.append("proxy bidding off")
    if rules.buy_now is not BuyNowRule.LIVE:
        said.append({BuyNowRule.OFF: "Buy It Now off", BuyNowRule.UNTIL_FIRST_BID: "Buy It Now until the first bid"}[rules.buy_now])
    if rules.extension_window_seconds is not None:
        said.append(f"soft-close window {rules.extension_window_seconds} s")
    if rules.extension_cap_seconds is not None:
        said.append(f"soft-close cap {rules.extension_cap_seconds} s")
    return said
