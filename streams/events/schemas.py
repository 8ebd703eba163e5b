"""The JSON Schema of an event: the published contract and what compatibility snapshots record."""
from __future__ import annotations

from typing import Any

from streams.events.base import Event

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def event_schema(event_class: type[Event]) -> dict[str, Any]:
    """The schema consumers validate against (pydantic's validation mode), tagged with its CloudEvents type."""
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "x-cloudevents-type": event_class.type,
        **event_class.model_json_schema(mode="validation"),
    }
