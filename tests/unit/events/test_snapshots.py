"""Every released event schema stays readable: today's schema must accept what the snapshot accepted."""
import pytest

from streams.compat import breaking_changes
from streams.events import ALL_EVENTS
from streams.events.schema_snapshots import SNAPSHOT_DIR, load_snapshot
from streams.events.schemas import event_schema


@pytest.mark.parametrize("event_class", ALL_EVENTS, ids=lambda cls: cls.type)
def test_current_schema_is_compatible_with_its_committed_snapshot(event_class):
    snapshot = load_snapshot(event_class.type)
    assert snapshot is not None, (
        f"no snapshot for {event_class.type}: run `python -m streams.events.schema_snapshots` and commit it"
    )
    assert breaking_changes(snapshot, event_schema(event_class)) == [], (
        f"{event_class.type} changed incompatibly; add a new version instead of editing this one"
    )


def test_every_snapshot_belongs_to_a_registered_type():
    """A type may gain versions but never disappear: its old events are still on the topics."""
    registered = {cls.type for cls in ALL_EVENTS}
    assert {path.stem for path in SNAPSHOT_DIR.glob("*.json")} <= registered
