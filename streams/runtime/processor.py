"""How a processor is declared: what it reads, writes and remembers, and the function that decides.

A processor is data, not a consumer loop: the runtime owns polling, transactions, state
restoration, timers and dead letters, so every processor gets them right the same way.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable, NamedTuple, Sequence

from streams.runtime.retry import RetryPolicy
from streams.runtime.sink import TransactionalSink
from streams.runtime.state import Store
from streams.runtime.timers import TIMERS_STORE, Timer
from streams.topics import DEAD_LETTER_TOPIC, retry_topic

if TYPE_CHECKING:
    from streams.runtime.context import Context


Headers = Sequence[tuple[str, bytes]]


class Record(NamedTuple):
    """An input record as a handler sees it: `value` is whatever the processor's decoder returned.

    (Named tuples rather than frozen dataclasses: one is built per record and per output, and
    tuples are several times cheaper to build.)"""

    topic: str
    partition: int
    offset: int
    timestamp_ms: int
    key: bytes | None
    value: Any
    headers: Headers


class Emit(NamedTuple):
    """A record a handler wants produced (in the same transaction as the input's offset)."""

    topic: str
    key: bytes | str | None
    value: bytes | None
    headers: Headers = ()


Decoder = Callable[[Headers, "bytes | None", "bytes | None"], Any]
"""`decode(headers, key, value)`; raising means the record is unusable and is dead-lettered.
`streams.events.envelope.decode` is the CloudEvents decoder processors of auction events use."""

Handler = Callable[[Record, "Context"], "Iterable[Any] | None"]
"""Returns what the record produces: `Emit`s for a topic processor, whatever the sink understands
for a sink processor; None when it produces nothing."""

TimerHandler = Callable[[Timer, "Context"], "Iterable[Any] | None"]


def raw_value(headers: Headers, key: bytes | None, value: bytes | None) -> bytes | None:
    """The default decoder: handlers get the record's value bytes unchanged."""
    return value


_NAME = re.compile(r"^[A-Za-z0-9._-]+$")


def processor_name_valid(name: str) -> bool:
    """Usable in topic names (its changelogs', its retry topic's)."""
    return bool(_NAME.match(name))


@dataclass(frozen=True)
class Processor:
    name: str
    """Consumer group id, prefix of the transactional id and of changelog topic names."""
    inputs: Sequence[str]
    """Input topics; several inputs must be co-partitioned and are merged in timestamp order
    (declare the table-like input first: it wins timestamp ties)."""
    handle: Handler
    outputs: Sequence[str] = ()
    stores: Sequence[Store] = ()
    on_timer: TimerHandler | None = None
    decode: Decoder = raw_value
    sink: TransactionalSink | None = None
    """Set for a processor whose output is a database: offsets then live in the sink's transaction."""
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    max_idle_ms: int = 0
    """How long a task of several inputs waits for an empty, caught-up input before going on."""
    dead_letter_topic: str = DEAD_LETTER_TOPIC
    replayable: bool = True
    """Its dead letters can be replayed to it alone: the runtime reads its retry topic (`retry_topic`)
    with its inputs. False only for a processor that never dead-letters anything."""

    def __post_init__(self) -> None:
        if not processor_name_valid(self.name):
            raise ValueError(f"processor name {self.name!r} must be usable in topic names")
        if not self.inputs:
            raise ValueError(f"processor {self.name} has no inputs")
        names = [store.name for store in self.stores]
        if len(set(names)) != len(names) or TIMERS_STORE in names:
            raise ValueError(f"processor {self.name}: store names must be unique and not {TIMERS_STORE!r}")
        if self.sink is not None and (self.stores or self.on_timer or self.outputs):
            raise ValueError(
                f"processor {self.name}: a sink processor commits to its sink, not to Kafka, "
                "so it cannot have changelogged stores, timers or output topics"
            )
        if self.retry_topic is not None and self.retry_topic in (*self.inputs, *self.outputs):
            raise ValueError(f"processor {self.name}: its retry topic {self.retry_topic} is the runtime's own")

    def renamed(self, name: str) -> Processor:
        """The same processor under another name: group, transactional id, changelogs, retry topic, and
        whatever its sink keeps under the processor's name (a sink's optional `renamed`)."""
        rename = getattr(self.sink, "renamed", None)
        return dataclasses.replace(self, name=name, sink=rename(name) if rename is not None else self.sink)

    @property
    def retry_topic(self) -> str | None:
        """Where operators replay its dead letters (`streams.runtime.redelivery`); it follows the name, as changelogs do."""
        return retry_topic(self.name) if self.replayable else None

    @property
    def subscriptions(self) -> tuple[str, ...]:
        """Every topic the runtime reads for it: the inputs, then the retry topic."""
        return (*self.inputs, self.retry_topic) if self.retry_topic is not None else tuple(self.inputs)

    @property
    def state_stores(self) -> tuple[Store, ...]:
        """Every changelogged store, the timers' own store included when the processor has timers."""
        return tuple(self.stores) + ((Store(TIMERS_STORE),) if self.on_timer else ())
