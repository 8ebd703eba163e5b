"""Committed copies of each event type's schema as first released, for the compatibility test.

A snapshot is written once, when a type is new, and never rewritten: a change that fails the
compatibility test needs a new type version (a new class), not a new snapshot.

    python -m streams.events.schema_snapshots    # record snapshots for types that have none
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from streams.events.registry import EVENT_TYPES
from streams.events.schemas import event_schema

SNAPSHOT_DIR = Path(__file__).parent / "snapshots"


def snapshot_path(event_type: str) -> Path:
    return SNAPSHOT_DIR / f"{event_type}.json"


def load_snapshot(event_type: str) -> dict[str, Any] | None:
    path = snapshot_path(event_type)
    return json.loads(path.read_text()) if path.exists() else None


def record_missing() -> list[Path]:
    """Snapshot every registered type that has no snapshot yet; existing ones are left alone."""
    written = []
    for event_type, event_class in EVENT_TYPES.items():
        path = snapshot_path(event_type)
        if not path.exists():
            path.write_text(json.dumps(event_schema(event_class), indent=2) + "\n")
            written.append(path)
    return written


if __name__ == "__main__":
    for recorded in record_missing():
        print(f"recorded {recorded}")
