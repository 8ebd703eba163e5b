"""Money as integer minor units, so prices never suffer float rounding.

Every currency the platform accepts has two decimal places; an amount is stored as a
count of cents (`minor`) plus its ISO 4217 code. Amounts of different currencies never
mix: comparing or adding them raises `CurrencyMismatch` instead of guessing a rate.

Everything that turns money into text or minor units into money goes through here: `format`
(machines: "12.50"), `display` (people: "€12.50"), and `from_minor` / `to_minor` for the integer
columns of read models and processor state (None passes through both).
"""
from __future__ import annotations

import functools
import re
from typing import Annotated, overload

from pydantic import BaseModel, ConfigDict, Field

DECIMALS = 2
_SCALE = 10**DECIMALS
_AMOUNT = re.compile(r"([0-9]+)(?:\.([0-9]+))?", re.ASCII)

CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}

CurrencyCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code, e.g. EUR")]


class CurrencyMismatch(ValueError):
    """Two amounts in different currencies were compared or added."""


@functools.total_ordering
class Money(BaseModel):
    """An amount of money: `minor` units (cents) of `currency`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    minor: int = Field(ge=0, description="Amount in minor units (cents): 1250 means 12.50")
    currency: CurrencyCode = "EUR"

    @classmethod
    def parse(cls, text: str, currency: str = "EUR") -> Money:
        """Read an amount a person typed, such as "12", "12.5" or "12.50"."""
        cleaned = text.strip()
        if cleaned.startswith("-"):
            raise ValueError(f"{text!r} is negative: an amount must be zero or more")
        match = _AMOUNT.fullmatch(cleaned)
        if match is None:
            raise ValueError(f"{text!r} is not an amount: write digits with an optional decimal point, like 12.50")
        units, fraction = match.group(1), match.group(2) or ""
        if len(fraction) > DECIMALS:
            raise ValueError(f"{text!r} has more than {DECIMALS} decimal places")
        return cls(minor=int(units) * _SCALE + int(fraction.ljust(DECIMALS, "0")), currency=currency)

    def format(self) -> str:
        """The amount without currency, as "12.50": the inverse of `parse`."""
        units, cents = divmod(self.minor, _SCALE)
        return f"{units}.{cents:0{DECIMALS}d}"

    def display(self) -> str:
        """For people: "€1,234.50", or "1,234.50 CHF" for a currency without a well-known sign."""
        units, cents = divmod(self.minor, _SCALE)
        amount = f"{units:,}.{cents:0{DECIMALS}d}"
        symbol = CURRENCY_SYMBOLS.get(self.currency)
        return f"{symbol}{amount}" if symbol else f"{amount} {self.currency}"

    def __str__(self) -> str:
        return f"{self.format()} {self.currency}"

    def __add__(self, other: Money) -> Money:
        self._require_same_currency(other)
        return Money(minor=self.minor + other.minor, currency=self.currency)

    def __lt__(self, other: Money) -> bool:
        self._require_same_currency(other)
        return self.minor < other.minor

    def _require_same_currency(self, other: object) -> None:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatch(f"cannot combine {self.currency} with {other.currency}")


@overload
def from_minor(minor: int, currency: str = ...) -> Money: ...
@overload
def from_minor(minor: None, currency: str = ...) -> None: ...
def from_minor(minor: int | None, currency: str = "EUR") -> Money | None:
    """An integer of minor units (a read-model column, processor state) as `Money`; None stays None."""
    return None if minor is None else Money(minor=minor, currency=currency)


@overload
def to_minor(money: Money) -> int: ...
@overload
def to_minor(money: None) -> None: ...
def to_minor(money: Money | None) -> int | None:
    """`Money` as its integer of minor units, for a read-model column or processor state; None stays None."""
    return None if money is None else money.minor
