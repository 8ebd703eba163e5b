"""Hypothesis strategies that build any event payload from its pydantic fields.

Driven by the field types, so a new event type or field is covered without touching this.
Candidates that break a model's cross-field rules (e.g. ends before it starts) are rejected.
"""
from __future__ import annotations

import types
import typing
from datetime import datetime, timedelta, timezone
from enum import Enum

import pydantic
from hypothesis import strategies as st
from pydantic import AwareDatetime, BaseModel

from streams.money import Money

moments = st.builds(
    lambda moment, offset: moment.replace(tzinfo=timezone.utc).astimezone(timezone(offset)),
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)),
    st.integers(-14 * 60, 14 * 60).map(lambda minutes: timedelta(minutes=minutes)),
)
"""Aware datetimes in assorted UTC offsets, which the events normalize to UTC."""

euros = st.builds(Money, minor=st.integers(0, 10**12))


def payloads(model: type[BaseModel]) -> st.SearchStrategy:
    fields = {name: _values(name, info.annotation) for name, info in model.model_fields.items()}
    return st.fixed_dictionaries(fields).map(lambda values: _build(model, values)).filter(lambda built: built is not None)


def _build(model: type[BaseModel], values: dict) -> BaseModel | None:
    try:
        return model(**values)
    except pydantic.ValidationError:
        return None


def _values(name: str, annotation: typing.Any) -> st.SearchStrategy:
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return _values(name, args[0])
    if origin in (typing.Union, types.UnionType):
        return st.one_of(*(st.none() if arg is type(None) else _values(name, arg) for arg in args))
    if origin is tuple:
        return st.lists(_values(name, args[0]), max_size=3).map(tuple)
    if annotation is Money:
        return euros
    if annotation in (AwareDatetime, datetime):
        return moments
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return st.sampled_from(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return payloads(annotation)
    if annotation is bool:
        return st.booleans()
    if annotation is int:
        return st.integers(1, 2**53)
    if annotation is str and name.endswith("_id"):
        return st.uuids().map(str)
    if annotation is str:
        return st.text(min_size=1, max_size=30)
    raise TypeError(f"no strategy for field {name}: {annotation!r}")
