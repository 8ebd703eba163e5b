"""The topic registry: the one place that says which topics exist and what they promise.

Provisioning creates topics from it and the event catalogue in docs/ is generated from it,
so partitions, retention and cleanup policy are never written down anywhere else.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from streams.events.base import Event
from streams.events.bids import BidPlaced, BuyNowRequested
from streams.events.decisions import AuctionExtended, BidAccepted, BidRejected
from streams.events.items import AuctionCancelled, ItemListed
from streams.events.outcomes import AuctionClosed
from streams.events.staff import AuctionEndRequested, AuctionExtensionRequested

AUCTION_PARTITIONS = 6
"""Every item-keyed topic has this many partitions, so an item lands on the same partition
number everywhere (co-partitioning) and one processor instance owns all of its records."""

ITEMS_TOPIC = "auction.items"
BIDS_TOPIC = "auction.bids"
BIDS_HISTORY_TOPIC = "auction.bids.history"
ITEMS_COMPLETE_TOPIC = "auction.items.complete"
DEAD_LETTER_TOPIC = "auction.dead-letter"
"""The topics' names, for the code that reads them (processors declare their inputs with these);
what each topic is and promises is its `REGISTRY` entry below."""
DEAD_LETTER_RETENTION_MS = 30 * 24 * 60 * 60 * 1000

CleanupPolicy = Literal["delete", "compact"]
ITEM_KEY = "item id (UUID string)"


def changelog_topic(processor: str, store: str) -> str:
    """Name of the compacted topic a processor's state store is restored from."""
    return f"{processor}-{store}-changelog"


RETRY_SUFFIX = ".retry"


def retry_topic(processor: str) -> str:
    """Name of the topic a processor's dead letters are replayed to: that processor, and no other, reads it."""
    return f"{processor}{RETRY_SUFFIX}"


def is_retry_topic(name: str) -> bool:
    return name.endswith(RETRY_SUFFIX)


@dataclass(frozen=True)
class Replication:
    """How many copies each topic's partitions have, and how many must have a write before it counts
    (producers send with `acks=all`). The same for every topic; which one applies is the cluster's
    (the stack profile's) to say: `replication_from_env`."""

    factor: int
    min_insync: int

    def configs(self) -> dict[str, str]:
        return {"min.insync.replicas": str(self.min_insync)}


SINGLE_BROKER = Replication(factor=1, min_insync=1)
"""One broker (the demo, test and dev profiles): one copy."""
CLUSTER = Replication(factor=3, min_insync=2)
"""Three brokers or more (the `cluster` profile, production): any one broker may be down."""
REPLICATION_VARIABLE, MIN_INSYNC_VARIABLE = "KAFKA_REPLICATION_FACTOR", "KAFKA_MIN_INSYNC_REPLICAS"


def replication_from_env(env: Mapping[str, str]) -> Replication:
    """The replication a stack profile asks for (`deploy.stack env` sets both variables for a cluster),
    else one copy."""
    if REPLICATION_VARIABLE not in env:
        return SINGLE_BROKER
    factor = int(env[REPLICATION_VARIABLE])
    return Replication(factor=factor, min_insync=int(env.get(MIN_INSYNC_VARIABLE, max(1, factor - 1))))


@dataclass(frozen=True)
class Topic:
    name: str
    partitions: int
    retention_ms: int | None
    """How long records are kept; None keeps them forever."""
    cleanup_policy: CleanupPolicy
    key: str
    events: tuple[type[Event], ...]
    """Event classes the topic carries; empty when it carries records of any type or internal state."""
    producers: tuple[str, ...]
    consumers: tuple[str, ...]
    description: str

    def configs(self) -> dict[str, str]:
        """Kafka topic configs this registry entry prescribes."""
        return {
            "cleanup.policy": self.cleanup_policy,
            "retention.ms": "-1" if self.retention_ms is None else str(self.retention_ms),
        }


def _item_events(
    name: str, *, events: tuple[type[Event], ...], producers: tuple[str, ...], consumers: tuple[str, ...], description: str
) -> Topic:
    """An input or decision log of the auctions: keyed by item, kept forever (rebuilds replay it from the start)."""
    return Topic(
        name=name,
        partitions=AUCTION_PARTITIONS,
        retention_ms=None,
        cleanup_policy="delete",
        key=ITEM_KEY,
        events=events,
        producers=producers,
        consumers=consumers,
        description=description,
    )


def _changelog(processor: str, store: str, *, key: str, description: str) -> Topic:
    """A state store's changelog: compacted to the last value per key, read back only by its processor."""
    return Topic(
        name=changelog_topic(processor, store),
        partitions=AUCTION_PARTITIONS,
        retention_ms=None,
        cleanup_policy="compact",
        key=key,
        events=(),
        producers=(processor,),
        consumers=(processor,),
        description=description,
    )


def _retry_entry(processor: str) -> Topic:
    """A processor's retry topic: partitioned like its inputs, so a replay goes back to the task it came from."""
    return Topic(
        name=retry_topic(processor),
        partitions=AUCTION_PARTITIONS,
        retention_ms=None,
        cleanup_policy="delete",
        key="the original record's key",
        events=(),
        producers=("web",),
        consumers=(processor,),
        description=(
            f"Dead letters of the {processor} processor that operators replayed (from /ops/), for it alone: the "
            "original record unchanged, at the partition number it came from, with where it was first read "
            "(topic, partition, offset, timestamp) in `retry.*` headers. The runtime reads it with the "
            "processor's inputs and hands the handler the record as first read. Kept like the inputs, so a "
            "rebuild replays the replays too."
        ),
    )


REPLAYABLE_PROCESSORS = ("bidding", "projector", "analytics", "notifications", "live")
"""The processors that can dead-letter, each with a retry topic (the dead-letters processor cannot:
its failures would land on the topic it reads, so it never fails a record)."""


REGISTRY: tuple[Topic, ...] = (
    _item_events(
        ITEMS_TOPIC,
        events=(ItemListed, AuctionCancelled, AuctionEndRequested, AuctionExtensionRequested),
        producers=("web",),
        consumers=("bidding", "projector", "notifications", "analytics"),
        description=(
            "Listings, cancellations and staff interventions (end now, extend, relist) as sellers and staff "
            "make them. Source of truth for items."
        ),
    ),
    _item_events(
        BIDS_TOPIC,
        events=(BidPlaced, BuyNowRequested),
        producers=("web",),
        consumers=("bidding", "projector"),
        description=(
            "What bidders asked for, before any decision. Source of truth for bids; the projector keeps "
            "the private maximums for staff."
        ),
    ),
    _item_events(
        BIDS_HISTORY_TOPIC,
        events=(BidAccepted, BidRejected, AuctionExtended),
        producers=("bidding",),
        consumers=("projector", "live", "notifications", "analytics"),
        description="The bidding processor's decisions on every bid, and extensions (soft close or by staff).",
    ),
    _item_events(
        ITEMS_COMPLETE_TOPIC,
        events=(AuctionClosed,),
        producers=("bidding",),
        consumers=("projector", "live", "notifications", "analytics"),
        description="One record per auction when it ends, with its outcome.",
    ),
    Topic(
        name=DEAD_LETTER_TOPIC,
        partitions=AUCTION_PARTITIONS,
        retention_ms=DEAD_LETTER_RETENTION_MS,
        cleanup_policy="delete",
        key="the original record's key",
        events=(),
        producers=("bidding", "projector", "live", "notifications", "analytics"),
        consumers=("dead-letters",),
        description=(
            "Records a processor could not handle after bounded retries, unchanged, with the original "
            "topic, partition, offset, timestamp and the error in headers. Operators inspect them and "
            "replay them to the retry topic of the processor that failed them, so no other processor sees "
            "them twice."
        ),
    ),
    _changelog(
        "bidding",
        "items",
        key=ITEM_KEY,
        description=(
            "The bidding processor's items table (the latest state of every open auction, and of a closed "
            "one for a grace period), compacted to the last value per item and replayed to restore the "
            "table on start; an evicted item's key is tombstoned."
        ),
    ),
    _changelog(
        "bidding",
        "decided",
        key="item id / chunk number",
        description=(
            "The request ids (bids, buy-now requests) the bidding processor answered, per kept item in "
            "chunks, so a replayed request is answered nothing new; tombstoned with the item."
        ),
    ),
    _changelog(
        "bidding",
        "closed",
        key=ITEM_KEY,
        description=(
            "The bidding processor's index of auctions closed and evicted from its items table (when, "
            "and the outcome), so late requests are still answered \"closed\"; each entry is tombstoned "
            "once remembered long enough."
        ),
    ),
    _changelog(
        "bidding",
        "timers",
        key=ITEM_KEY,
        description=(
            "The bidding processor's timers (the runtime's own store, one per item: when the auction closes, "
            "then when its state and its memory of the close are evicted), so stream-time timers survive "
            "restarts and rebalances; created by the runtime's preflight like every changelog."
        ),
    ),
    *(_retry_entry(processor) for processor in REPLAYABLE_PROCESSORS),
)


def topic_named(name: str) -> Topic:
    for topic in REGISTRY:
        if topic.name == name:
            return topic
    raise KeyError(f"no topic {name!r} in the registry")


_TOPIC_FOR: dict[type[Event], Topic] = {}
for _topic in REGISTRY:
    for _event_class in _topic.events:
        _TOPIC_FOR.setdefault(_event_class, _topic)


def topic_for(event_class: type[Event]) -> Topic:
    """The topic a producer sends this kind of event to."""
    try:
        return _TOPIC_FOR[event_class]
    except KeyError:
        raise KeyError(f"no topic in the registry carries {event_class.__name__}") from None
