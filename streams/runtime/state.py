"""Key-value state for one store on one partition, with a journal of uncommitted writes.

The journal is what makes state transactional without copying it: every write remembers the
value it replaced, so a failed handler rolls back to its savepoint, an aborted transaction rolls
back to the last commit, and a commit knows exactly which keys to write to the changelog.
Values are kept as Python objects and must be treated as immutable: replace them with `set`,
never mutate what `get` returned, or the change escapes both the journal and the changelog.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable, Iterator

_MISSING: Any = object()


@dataclass(frozen=True)
class Serde:
    """How a store's values travel through its changelog topic."""

    dumps: Callable[[Any], bytes]
    loads: Callable[[bytes], Any]


def _json_dumps(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


JSON = Serde(dumps=_json_dumps, loads=json.loads)


@dataclass(frozen=True)
class Store:
    """A declared state store: a name (part of its changelog topic's name) and a value serde."""

    name: str
    serde: Serde = JSON


class KeyValueStore:
    """The values of one store for one partition of the processor's inputs."""

    __slots__ = ("name", "partition", "_data", "_journal")

    def __init__(self, name: str, partition: int) -> None:
        self.name = name
        self.partition = partition
        self._data: dict[str, Any] = {}
        self._journal: list[tuple[str, Any]] = []

    def get(self, key: str, default: Any = None) -> Any:
        return self._data.get(key, default)

    def __contains__(self, key: str) -> bool:
        return key in self._data

    def __len__(self) -> int:
        return len(self._data)

    def items(self) -> Iterator[tuple[str, Any]]:
        return iter(self._data.items())

    def set(self, key: str, value: Any) -> None:
        if value is None:
            raise ValueError("None is the changelog's tombstone; use delete() to remove a key")
        self._journal.append((key, self._data.get(key, _MISSING)))
        self._data[key] = value

    def delete(self, key: str) -> None:
        if key in self._data:
            self._journal.append((key, self._data.pop(key)))

    def savepoint(self) -> int:
        """A mark to roll back to if what follows fails."""
        return len(self._journal)

    def rollback(self, savepoint: int = 0) -> None:
        """Undo every write since the savepoint (by default: since the last commit)."""
        journal, data = self._journal, self._data
        while len(journal) > savepoint:
            key, previous = journal.pop()
            if previous is _MISSING:
                data.pop(key, None)
            else:
                data[key] = previous

    def changes(self) -> dict[str, Any]:
        """The current value (None when deleted) of every key written since the last commit."""
        return {key: self._data.get(key) for key, _ in self._journal}

    def mark_committed(self) -> None:
        self._journal.clear()

    def restore(self, key: str, value: Any) -> None:
        """Apply one changelog record (None = tombstone) without journaling it."""
        if value is None:
            self._data.pop(key, None)
        else:
            self._data[key] = value
