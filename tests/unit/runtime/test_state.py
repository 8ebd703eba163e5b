"""The journaled key-value store: rollback to savepoints and commits, and changelog equivalence."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from streams.runtime.state import JSON, KeyValueStore

keys = st.sampled_from(["a", "b", "c", "d"])
operations = st.lists(st.tuples(st.sampled_from(["set", "delete"]), keys, st.integers(0, 9)), max_size=30)


def apply(store: KeyValueStore, model: dict, ops) -> None:
    for op, key, value in ops:
        if op == "set":
            store.set(key, value)
            model[key] = value
        else:
            store.delete(key)
            model.pop(key, None)


def test_get_set_delete():
    store = KeyValueStore("items", 0)
    store.set("a", {"price": 1})
    assert store.get("a") == {"price": 1} and "a" in store and len(store) == 1
    store.delete("a")
    assert store.get("a", "gone") == "gone" and len(store) == 0


def test_none_is_not_a_value_because_it_is_the_changelog_tombstone():
    with pytest.raises(ValueError, match="tombstone"):
        KeyValueStore("items", 0).set("a", None)


def test_rollback_to_a_savepoint_keeps_earlier_writes():
    store = KeyValueStore("items", 0)
    store.set("a", 1)
    savepoint = store.savepoint()
    store.set("a", 2)
    store.set("b", 3)
    store.delete("a")
    store.rollback(savepoint)
    assert dict(store.items()) == {"a": 1}


def test_rollback_without_savepoint_returns_to_the_last_commit():
    store = KeyValueStore("items", 0)
    store.set("a", 1)
    store.mark_committed()
    store.set("a", 2)
    store.delete("a")
    store.set("b", 1)
    store.rollback()
    assert dict(store.items()) == {"a": 1}


def test_changes_name_every_written_key_with_its_final_value():
    store = KeyValueStore("items", 0)
    store.set("kept", 0)
    store.mark_committed()
    store.set("a", 1)
    store.set("a", 2)
    store.delete("kept")
    store.set("b", 5)
    assert store.changes() == {"a": 2, "kept": None, "b": 5}
    store.mark_committed()
    assert store.changes() == {}


def test_json_serde_round_trips():
    value = {"price": 1250, "bids": ["x", "y"], "reserve_met": None}
    assert JSON.loads(JSON.dumps(value)) == value


@given(st.lists(operations, max_size=5), operations)
def test_rollback_restores_exactly_the_last_committed_state(committed_rounds, uncommitted):
    store, model = KeyValueStore("s", 0), {}
    for ops in committed_rounds:
        apply(store, model, ops)
        store.mark_committed()
    apply(store, {}, uncommitted)
    store.rollback()
    assert dict(store.items()) == model


@given(st.lists(operations, max_size=6))
def test_replaying_the_changelog_rebuilds_the_same_state(rounds):
    """What a restore after a crash does: apply every committed round's changes to a fresh store."""
    store, model, changelog = KeyValueStore("s", 0), {}, []
    for ops in rounds:
        apply(store, model, ops)
        changelog.extend(store.changes().items())
        store.mark_committed()
    replica = KeyValueStore("s", 0)
    for key, value in changelog:
        replica.restore(key, value)
    assert dict(replica.items()) == dict(store.items()) == model
