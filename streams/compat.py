"""Can a consumer built on the new schema still read every event written with the old one?

Events on source-of-truth topics are kept forever and replayed, so a schema change must
accept all old payloads (backward compatibility). Adding an optional field keeps that
promise; removing, renaming or retyping a field, adding a required one, making an optional
one required, or dropping an enum value breaks it. Widening is allowed: a field may become
nullable and an enum may gain values. Constraints such as lengths and patterns are not compared.

Both arguments are JSON Schemas as pydantic writes them (local `$ref`s into `$defs`).
"""
from __future__ import annotations

from typing import Any

Schema = dict[str, Any]


def breaking_changes(old_schema: Schema, new_schema: Schema) -> list[str]:
    """Every reason an old payload might fail to validate against the new schema; empty = compatible."""
    return _compare(_Side(old_schema), old_schema, _Side(new_schema), new_schema, "")


class _Side:
    """One schema document, able to follow its own `$ref`s."""

    def __init__(self, document: Schema) -> None:
        self._defs: Schema = document.get("$defs", {})

    def resolve(self, schema: Schema) -> Schema:
        while "$ref" in schema:
            schema = self._defs[schema["$ref"].removeprefix("#/$defs/")]
        return schema

    def variants(self, schema: Schema) -> list[Schema]:
        """The alternatives a value may match (`X | None` has two)."""
        schema = self.resolve(schema)
        options = schema.get("anyOf") or schema.get("oneOf")
        return [self.resolve(option) for option in options] if options else [schema]


def _compare(old: _Side, old_schema: Schema, new: _Side, new_schema: Schema, path: str) -> list[str]:
    problems = []
    new_variants = new.variants(new_schema)
    for old_variant in old.variants(old_schema):
        match = next((v for v in new_variants if _kind(v) == _kind(old_variant)), None)
        if match is None:
            problems.append(
                f"{_name(path)} changed type from {_describe(old, old_schema)} to {_describe(new, new_schema)}"
            )
        elif _kind(old_variant) == "object":
            problems += _compare_objects(old, old_variant, new, match, path)
        elif _kind(old_variant) == "array":
            problems += _compare(old, old_variant.get("items", {}), new, match.get("items", {}), f"{path}[]")
        elif "enum" in old_variant:
            dropped = [value for value in old_variant["enum"] if value not in match["enum"]]
            if dropped:
                problems.append(f"{_name(path)} no longer accepts {', '.join(map(repr, dropped))}")
    return problems


def _compare_objects(old: _Side, old_schema: Schema, new: _Side, new_schema: Schema, path: str) -> list[str]:
    problems = []
    old_fields, new_fields = old_schema.get("properties", {}), new_schema.get("properties", {})
    old_required, new_required = set(old_schema.get("required", ())), set(new_schema.get("required", ()))
    for field, field_schema in old_fields.items():
        field_path = f"{path}.{field}" if path else field
        if field not in new_fields:
            problems.append(f"field '{field_path}' was removed (or renamed)")
            continue
        if field in new_required and field not in old_required:
            problems.append(f"field '{field_path}' was optional and is now required")
        problems += _compare(old, field_schema, new, new_fields[field], field_path)
    for field in new_fields.keys() - old_fields.keys():
        if field in new_required:
            field_path = f"{path}.{field}" if path else field
            problems.append(f"field '{field_path}' was added as required")
    return problems


def _kind(schema: Schema) -> str:
    """What must stay the same for old values to remain valid: JSON type plus format."""
    if "enum" in schema:
        return "enum"
    if "const" in schema:
        return f"const {schema['const']!r}"
    if "properties" in schema:
        return "object"
    kind = schema.get("type", "any")
    return f"{kind} ({schema['format']})" if "format" in schema else str(kind)


def _describe(side: _Side, schema: Schema) -> str:
    return " or ".join(_kind(variant) for variant in side.variants(schema))


def _name(path: str) -> str:
    return f"field '{path}'" if path else "the payload"
