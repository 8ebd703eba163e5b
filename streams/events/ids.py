"""Event ids derived from what caused them, so a replayed decision keeps its id downstream.

A derived id is the name-based UUID (version 5, RFC 9562) of a cause within a namespace, as
`uuid.uuid5` makes it, computed without building `UUID` objects: processors derive one for every
event they emit.
"""
from __future__ import annotations

import hashlib
import uuid

_VARIANT = "89ab"


class DerivedIds:
    """`ids(name)` is `str(uuid.uuid5(namespace, name))`."""

    __slots__ = ("_namespace",)

    def __init__(self, namespace: uuid.UUID) -> None:
        self._namespace = hashlib.sha1(namespace.bytes, usedforsecurity=False)

    def __call__(self, name: str) -> str:
        digest = self._namespace.copy()
        digest.update(name.encode())
        h = digest.hexdigest()
        return f"{h[:8]}-{h[8:12]}-5{h[13:16]}-{_VARIANT[int(h[16], 16) & 3]}{h[17:20]}-{h[20:32]}"
