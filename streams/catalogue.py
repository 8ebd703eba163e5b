"""Generates the event catalogue in docs/ from the topic registry and the event classes, and the
settings reference (docs/reference/settings.md) from the settings registry.

The catalogue is committed so people can read it without running anything; `--check` (run
by the test suite) fails when someone changed a schema or topic without regenerating it.

    python -m streams.catalogue --write     # regenerate docs/reference/events.md, docs/reference/asyncapi.json, docs/reference/schemas/,
                                            # docs/reference/settings.md
    python -m streams.catalogue --check     # exit 1 if the committed files are stale
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Sequence

from pydantic.json_schema import models_json_schema

from streams.events.base import Event
from streams.events.envelope import CONTENT_TYPE, REQUIRED_HEADERS
from streams.events.examples import EXAMPLES
from streams.events.registry import ALL_EVENTS
from streams.events.schemas import event_schema
from streams.settings_page import PAGE as SETTINGS_PAGE
from streams.settings_page import markdown as settings_markdown
from streams.topics import REGISTRY, Topic

REPO_ROOT = Path(__file__).resolve().parents[1]
MARKDOWN = Path("docs/reference/events.md")
ASYNCAPI = Path("docs/reference/asyncapi.json")
SCHEMA_DIR = Path("docs/reference/schemas")
KAFKA_BINDING_VERSION = "0.5.0"
_DAY_MS = 24 * 60 * 60 * 1000

Schema = dict[str, Any]


def generate() -> dict[Path, str]:
    """Every catalogue file (path relative to the repository root) with its content."""
    files = {SCHEMA_DIR / f"{cls.type}.json": _json(event_schema(cls)) for cls in ALL_EVENTS}
    files[ASYNCAPI] = _json(asyncapi())
    files[MARKDOWN] = markdown()
    files[SETTINGS_PAGE] = settings_markdown()
    return files


def stale_files(root: Path = REPO_ROOT) -> list[str]:
    """Catalogue files under `root` that differ from, are missing from, or are extra to what `generate` gives."""
    expected = generate()
    differing = [path for path, content in expected.items() if _read(root / path) != content]
    return [str(path) for path in differing + _extra_schema_files(root, expected)]


def write(root: Path = REPO_ROOT) -> None:
    expected = generate()
    for extra in _extra_schema_files(root, expected):
        (root / extra).unlink()
    for path, content in expected.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(content)


def _extra_schema_files(root: Path, expected: dict[Path, str]) -> list[Path]:
    """Schemas of types that no longer exist, which would otherwise linger in docs/."""
    present = (path.relative_to(root) for path in (root / SCHEMA_DIR).glob("*.json"))
    return sorted(path for path in present if path not in expected)


# --- AsyncAPI --------------------------------------------------------------------------


def asyncapi() -> Schema:
    """An AsyncAPI 3.0 document: topics as channels, producers and consumers as operations."""
    operations: Schema = {}
    for topic in REGISTRY:
        for role, action, verb in (("producers", "send", "sends"), ("consumers", "receive", "receives")):
            for service in getattr(topic, role):
                operations[f"{service}-{verb}-{_channel_id(topic)}"] = _operation(topic, action, service)
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Auction platform events",
            "version": "1.0.0",
            "description": "Kafka topics of the auction platform. Generated from streams/topics.py; see docs/reference/events.md.",
        },
        "defaultContentType": CONTENT_TYPE,
        "channels": {_channel_id(topic): _channel(topic) for topic in REGISTRY},
        "operations": operations,
        "components": {
            "messages": {cls.__name__: _message(cls) for cls in ALL_EVENTS},
            "schemas": _definitions(),
        },
    }


def _definitions() -> Schema:
    """Schemas of all events and the types they share, referring to each other as AsyncAPI components."""
    _, definitions = models_json_schema(
        [(cls, "validation") for cls in ALL_EVENTS], ref_template="#/components/schemas/{model}"
    )
    return definitions["$defs"]


def _channel_id(topic: Topic) -> str:
    return topic.name.replace(".", "-")


def _channel(topic: Topic) -> Schema:
    channel: Schema = {"address": topic.name, "title": topic.name, "description": topic.description}
    if topic.events:
        channel["messages"] = {cls.__name__: {"$ref": f"#/components/messages/{cls.__name__}"} for cls in topic.events}
    channel["bindings"] = {
        "kafka": {
            "topic": topic.name,
            "partitions": topic.partitions,
            "topicConfiguration": {
                "cleanup.policy": [topic.cleanup_policy],
                "retention.ms": -1 if topic.retention_ms is None else topic.retention_ms,
            },
            "bindingVersion": KAFKA_BINDING_VERSION,
        }
    }
    return channel


def _operation(topic: Topic, action: str, service: str) -> Schema:
    channel = _channel_id(topic)
    operation: Schema = {"action": action, "channel": {"$ref": f"#/channels/{channel}"}, "title": service}
    if topic.events:
        operation["messages"] = [{"$ref": f"#/channels/{channel}/messages/{cls.__name__}"} for cls in topic.events]
    return operation


def _message(cls: type[Event]) -> Schema:
    return {
        "name": cls.type,
        "title": cls.__name__,
        "description": _docstring(cls),
        "contentType": CONTENT_TYPE,
        "headers": _cloudevents_headers(cls),
        "payload": {"$ref": f"#/components/schemas/{cls.__name__}"},
        "bindings": {
            "kafka": {
                "key": {"type": "string", "description": f"the event's {cls.key_field}"},
                "bindingVersion": KAFKA_BINDING_VERSION,
            }
        },
        "examples": [{"name": "example", "payload": EXAMPLES[cls].model_dump(mode="json")}],
    }


def _cloudevents_headers(cls: type[Event]) -> Schema:
    properties: Schema = {
        "ce_specversion": {"const": "1.0"},
        "ce_type": {"const": cls.type},
        "ce_id": {"type": "string", "description": "Unique per event; consumers deduplicate on it"},
        "ce_source": {"type": "string", "description": "The producing service"},
        "ce_time": {"type": "string", "format": "date-time", "description": "When the event was produced"},
        "content-type": {"const": CONTENT_TYPE},
    }
    return {"type": "object", "properties": properties, "required": list(REQUIRED_HEADERS)}


# --- Markdown --------------------------------------------------------------------------

_INTRO = """\
# Event catalogue

<!-- Generated by `python -m streams.catalogue --write` from streams/topics.py and
streams/events/. Do not edit by hand: the test suite fails when this file is stale. -->

Every record on the auction topics is a CloudEvents 1.0 event in Kafka *binary* mode: the
payload is the record value (JSON, `content-type: application/json`) and the event's
attributes are record headers. `ce_type` names the payload schema and its version.

| header | meaning |
|---|---|
| `ce_specversion` | always `1.0` |
| `ce_type` | event type with version, e.g. `auction.bid.placed.v1` |
| `ce_id` | unique event id (UUID); consumers deduplicate side effects on it |
| `ce_source` | the producing service, e.g. `web` or `bidding` |
| `ce_time` | when the event was produced (RFC 3339, UTC) |
| `content-type` | `application/json` |

The record key is the item id on every auction topic, and all of them have the same number
of partitions, so all records about one item are in order on one partition number.

**Evolving a schema.** Payloads reject unknown fields. Within a version only widening changes
are allowed — adding an optional field, letting a field be null, adding an enum value — and
consumers are upgraded before producers. Anything else (removing, renaming or retyping a
field, adding a required one) needs a new type version (`….v2`) as a new class. `tests/unit/events` compares every schema with its committed
snapshot in `streams/events/snapshots/` to enforce this. JSON Schemas of every type are in
[`schemas/`](schemas/) and an AsyncAPI 3.0 description is in [`asyncapi.json`](asyncapi.json).
"""


def markdown() -> str:
    defs = _definitions()
    event_names = {cls.__name__ for cls in ALL_EVENTS}
    sections = [_INTRO, "## Overview\n", _topic_table(), "## Topics\n"]
    sections += [_topic_section(topic) for topic in REGISTRY]
    sections.append("## Events\n")
    sections += [_event_section(cls, defs) for cls in ALL_EVENTS]
    sections.append("## Shared types\n")
    sections += [_type_section(name, schema, defs) for name, schema in defs.items() if name not in event_names]
    return "\n".join(sections)


def _topic_table() -> str:
    rows = [
        f"| `{t.name}` | {_event_links(t)} | {t.partitions} | {_retention(t)} | {t.cleanup_policy} |" for t in REGISTRY
    ]
    return "\n".join(["| topic | events | partitions | retention | cleanup |", "|---|---|---|---|---|", *rows, ""])


def _topic_section(topic: Topic) -> str:
    lines = [
        f"### `{topic.name}`",
        "",
        topic.description,
        "",
        "| | |",
        "|---|---|",
        f"| events | {_event_links(topic)} |",
        f"| key | {topic.key} |",
        f"| partitions | {topic.partitions} |",
        f"| retention | {_retention(topic)} (`retention.ms={topic.configs()['retention.ms']}`) |",
        f"| cleanup policy | `{topic.cleanup_policy}` |",
        f"| producers | {', '.join(topic.producers)} |",
        f"| consumers | {', '.join(topic.consumers)} |",
        "",
    ]
    return "\n".join(lines)


def _event_section(cls: type[Event], defs: Schema) -> str:
    topics = ", ".join(f"`{topic.name}`" for topic in REGISTRY if cls in topic.events)
    lines = [
        f"### {cls.__name__}",
        "",
        f"`{cls.type}` on {topics}, keyed by `{cls.key_field}`. "
        f"JSON Schema: [`schemas/{cls.type}.json`](schemas/{cls.type}.json).",
        "",
        _docstring(cls),
        "",
        _field_table(defs[cls.__name__], defs),
        "Example payload:",
        "",
        "```json",
        EXAMPLES[cls].model_dump_json(indent=2),
        "```",
        "",
    ]
    return "\n".join(lines)


def _type_section(name: str, schema: Schema, defs: Schema) -> str:
    body = (
        "One of " + ", ".join(f"`{value}`" for value in schema["enum"]) + ".\n"
        if "enum" in schema
        else _field_table(schema, defs)
    )
    return f"### {name}\n\n{schema.get('description', '')}\n\n{body}"


def _field_table(schema: Schema, defs: Schema) -> str:
    required = set(schema.get("required", ()))
    rows = ["| field | type | required | description |", "|---|---|---|---|"]
    for field, field_schema in schema["properties"].items():
        needed = "yes" if field in required else f"no (default `{json.dumps(field_schema.get('default'))}`)"
        description = field_schema.get("description", "")
        rows.append(f"| `{field}` | {_type_label(field_schema, defs)} | {needed} | {description} |")
    return "\n".join(rows) + "\n"


def _type_label(schema: Schema, defs: Schema) -> str:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return f"[{name}](#{name.lower()})"
    if "anyOf" in schema:
        return " or ".join(_type_label(option, defs) for option in schema["anyOf"])
    if schema.get("type") == "array":
        return f"array of {_type_label(schema.get('items', {}), defs)}"
    label = schema.get("type", "any")
    return f"{label} ({schema['format']})" if "format" in schema else str(label)


def _event_links(topic: Topic) -> str:
    if not topic.events:
        return "any (see description)"
    return ", ".join(f"[{cls.__name__}](#{cls.__name__.lower()})" for cls in topic.events)


def _retention(topic: Topic) -> str:
    if topic.retention_ms is None:
        return "forever"
    days, remainder = divmod(topic.retention_ms, _DAY_MS)
    return f"{days} days" if not remainder else f"{topic.retention_ms} ms"


def _docstring(cls: type) -> str:
    return " ".join((cls.__doc__ or "").split())


# --- files and command line -----------------------------------------------------------


def _json(document: Schema) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _read(path: Path) -> str | None:
    return path.read_text() if path.exists() else None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate or check the event catalogue in docs/.")
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help="regenerate the catalogue files")
    mode.add_argument("--check", action="store_true", help="exit 1 if the committed catalogue is stale")
    parser.add_argument("--root", type=Path, default=REPO_ROOT, help="repository root (default: this checkout)")
    args = parser.parse_args(argv)
    if args.write:
        write(args.root)
        return 0
    stale = stale_files(args.root)
    if stale:
        print("The event catalogue is stale; run `python -m streams.catalogue --write`. Stale files:")
        print("\n".join(f"  {path}" for path in stale))
        return 1
    print("The event catalogue is up to date.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
