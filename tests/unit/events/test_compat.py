"""The compatibility rules, shown on small models that evolve the way real events would."""
from enum import StrEnum

import pytest
from pydantic import BaseModel, ConfigDict

from streams.compat import breaking_changes
from streams.events import ALL_EVENTS
from streams.events.schemas import event_schema
from streams.money import Money


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Base(Strict):
    item_id: str
    amount: Money
    note: str | None = None


class AddsOptional(Strict):
    item_id: str
    amount: Money
    note: str | None = None
    channel: str = "web"


class AddsRequired(Strict):
    item_id: str
    amount: Money
    note: str | None = None
    channel: str


class Removes(Strict):
    item_id: str
    note: str | None = None


class Renames(Strict):
    item_id: str
    price: Money
    note: str | None = None


class Retypes(Strict):
    item_id: int
    amount: Money
    note: str | None = None


class RequiresOptional(Strict):
    item_id: str
    amount: Money
    note: str


class MakesNullable(Strict):
    item_id: str | None
    amount: Money
    note: str | None = None


class Cents(Strict):
    cents: int
    currency: str = "EUR"


class RetypesNested(Strict):
    item_id: str
    amount: Cents
    note: str | None = None


class Colour(StrEnum):
    RED = "red"
    BLUE = "blue"


class FewerColours(StrEnum):
    RED = "red"


class MoreColours(StrEnum):
    RED = "red"
    BLUE = "blue"
    GREEN = "green"


def _schema(model):
    return model.model_json_schema()


def _enum_model(enum):
    return type("Painted", (Strict,), {"__annotations__": {"colours": list[enum]}})


def test_an_unchanged_schema_is_compatible():
    assert breaking_changes(_schema(Base), _schema(Base)) == []


def test_adding_an_optional_field_is_compatible():
    assert breaking_changes(_schema(Base), _schema(AddsOptional)) == []


def test_making_a_field_nullable_is_compatible():
    assert breaking_changes(_schema(Base), _schema(MakesNullable)) == []


def test_adding_enum_values_is_compatible():
    assert breaking_changes(_schema(_enum_model(Colour)), _schema(_enum_model(MoreColours))) == []


@pytest.mark.parametrize(
    ("new", "complaint"),
    [
        (AddsRequired, "field 'channel' was added as required"),
        (Removes, "field 'amount' was removed"),
        (Renames, "field 'amount' was removed"),
        (Retypes, "field 'item_id' changed type from string to integer"),
        (RequiresOptional, "field 'note' was optional and is now required"),
        (RequiresOptional, "field 'note' changed type from string or null to string"),
        (RetypesNested, "field 'amount.minor' was removed"),
    ],
    ids=["new required", "removed", "renamed", "retyped", "optional made required", "null dropped", "nested"],
)
def test_breaking_changes_are_reported(new, complaint):
    assert complaint in " | ".join(breaking_changes(_schema(Base), _schema(new)))


def test_removing_an_enum_value_is_reported():
    assert breaking_changes(_schema(_enum_model(Colour)), _schema(_enum_model(FewerColours))) == [
        "field 'colours[]' no longer accepts 'blue'"
    ]


@pytest.mark.parametrize("event_class", ALL_EVENTS, ids=lambda cls: cls.type)
def test_removing_any_field_of_any_event_is_caught(event_class):
    schema = event_schema(event_class)
    for field in schema["properties"]:
        trimmed = {**schema, "properties": {k: v for k, v in schema["properties"].items() if k != field}}
        assert f"field '{field}' was removed (or renamed)" in breaking_changes(schema, trimmed)
