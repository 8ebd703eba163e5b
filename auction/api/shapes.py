"""Base classes and field types of the API's pydantic models; they validate requests and generate the schema."""
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from streams.money import Money

AMOUNT_PATTERN = r"^[0-9]+(\.[0-9]{1,2})?$"


class RequestBody(BaseModel):
    """Unknown fields are refused, so a misspelt optional field is an error instead of silently ignored."""

    model_config = ConfigDict(extra="forbid")


class Query(BaseModel):
    """Unknown parameters are ignored: links and caches add their own."""

    model_config = ConfigDict(extra="ignore")


class Reply(BaseModel):
    model_config = ConfigDict(frozen=True)


def _printable(text: str) -> str:
    if "\x00" in text:
        raise ValueError("Null characters are not allowed.")
    return text


SearchText = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_printable)]
"""Free text without NUL, which PostgreSQL cannot store: refused here, it never reaches an event."""

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1), AfterValidator(_printable)]
"""Trimmed, non-empty text: "   " is as missing as "". Passwords are not trimmed, so they do not use it."""


def _amount(text: str) -> str:
    Money.parse(text)  # raises ValueError saying what is wrong, in words
    return text


Amount = Annotated[
    str,
    Field(max_length=16, examples=["12.50"], json_schema_extra={"pattern": AMOUNT_PATTERN}),
    AfterValidator(_amount),
]
"""An amount as a decimal string in the item's currency, e.g. "12.50": floats would round."""


def decimal_text(minor: int | None) -> str | None:
    return None if minor is None else Money(minor=minor).format()


class Problem(Reply):
    """Every 4xx and 5xx answer."""

    error: str = Field(description="What went wrong, for a person")
    fields: dict[str, str] = Field(description="Field name → what is wrong with it; empty when not about a field")
