"""How long the bidding processor keeps what it knows of a closed auction, in stream time.

For `grace` after the close the item keeps its whole state: a late request is judged by the
engine (answered "closed" with the final public state) and a replayed one is recognised by its id
and answered nothing new. Then the state and the decided ids are evicted (tombstoned in their
changelogs) and only the closed index remembers the item, for `memory` after the close: a late
request is answered "closed" (or "cancelled"). After that the item is forgotten, and a request
for it is answered as for an item never listed. So the processor's state holds the open auctions
plus those closed within `memory`, however many were ever listed.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta
from typing import Mapping

from streams import settings_registry

GRACE_VARIABLE = "BIDDING_CLOSED_GRACE_S"
MEMORY_VARIABLE = "BIDDING_CLOSED_MEMORY_S"


@dataclass(frozen=True)
class Retention:
    grace: timedelta = timedelta(seconds=settings_registry.default(GRACE_VARIABLE))
    memory: timedelta = timedelta(seconds=settings_registry.default(MEMORY_VARIABLE))

    def __post_init__(self) -> None:
        if self.grace < timedelta(0) or self.memory < self.grace:
            raise ValueError(f"need 0 <= grace <= memory, got grace {self.grace} and memory {self.memory}")

    @property
    def grace_ms(self) -> int:
        return _ms(self.grace)

    @property
    def memory_ms(self) -> int:
        return _ms(self.memory)

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Retention:
        """The defaults, or seconds from `BIDDING_CLOSED_GRACE_S` and `BIDDING_CLOSED_MEMORY_S`."""
        settings = {}
        for name, variable in (("grace", GRACE_VARIABLE), ("memory", MEMORY_VARIABLE)):
            if variable in env:
                settings[name] = timedelta(seconds=settings_registry.value(variable, env))
        return cls(**settings)


def _ms(span: timedelta) -> int:
    return span // timedelta(milliseconds=1)
