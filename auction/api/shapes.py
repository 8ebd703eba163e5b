"""Base classes and field types of the API's pydantic models; they validate requests and generate the schema."""
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from auction.text import TextRule
from streams.money import Money, from_minor

AMOUNT_PATTERN = r"^[0-9]+(\.[0-9]{1,2})?$"


class RequestBody(BaseModel):
    """Unknown fields are refused, so a misspelt optional field is an error instead of silently ignored."""

    model_config = ConfigDict(extra="forbid")


class Query(BaseModel):
    """Unknown parameters are ignored: links and caches add their own."""

    model_config = ConfigDict(extra="ignore")


class Reply(BaseModel):
    model_config = ConfigDict(frozen=True)


def ruled(rule: TextRule, description: str | None = None) -> object:
    """The type of a free-text field under `rule`: normalized, then measured, as the forms and services do.

    A required field must not be blank ("   " is as missing as ""); the limit is checked on the
    normalized text, which is what the handler receives, and the schema documents it. Passwords
    are not free text: they are taken as typed.
    """
    constraints = StringConstraints(strip_whitespace=True, min_length=1) if rule.required else StringConstraints()
    limit = f"At most {rule.max_length} characters{' ' + rule.written_as if rule.written_as else ''}, once trimmed"
    schema = {"maxLength": rule.max_length, "description": f"{description}. {limit}" if description else limit}
    return Annotated[str, constraints, AfterValidator(rule.clean), Field(json_schema_extra=schema)]


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
    money = from_minor(minor)
    return None if money is None else money.format()


class Problem(Reply):
    """Every 4xx and 5xx answer."""

    error: str = Field(description="What went wrong, for a person")
    fields: dict[str, str] = Field(description="Field name → what is wrong with it; empty when not about a field")
