"""One batch of arrivals in, everything it changes out: the analytics processor's whole decision.

The caller (the database sink, or a test's in-memory store) looks up what `needs` asks for,
calls `fold`, and writes the `Changes`. Rules, each making the result independent of arrival
order within the allowed lateness:

- Facts are deduplicated by their natural key (bid id, item id, extension event id), so a
  record replayed onto its topic is counted once. The first listing or close of an item wins.
- Bids and closes are joined with their item's listing whichever arrives first: the one that
  completes the pair adds its cells, so every pair is counted exactly once.
- Late policy: a bid or close behind its partition's watermark by more than the allowed
  lateness is stored and recorded as late, against the window its own event time belongs to,
  but adds nothing to window cells: a window is final once the watermark passes it, and
  figures already shown do not change. Per-auction summaries are not windowed, so they use
  every fact of the auction, late or not.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from streams.analytics.cells import Cells
from streams.analytics.facts import AcceptedBid, Close, Extension, Fact, Listing, Windowed
from streams.analytics.policy import Policy
from streams.analytics.watermark import Watermark
from streams.analytics.windows import window_start

_UNSEEN = Watermark()

Source = tuple[str, int]
"""An input partition: (topic, partition). Watermarks are kept per source."""


class Arrival(NamedTuple):
    """A fact as read from its input partition, in that partition's order (one per record read: a named tuple)."""

    source: Source
    offset: int
    fact: Fact


@dataclass(frozen=True, slots=True)
class Needs:
    """What a batch must know of the stored state before `fold` can decide."""

    item_ids: frozenset[str]
    listed_ids: frozenset[str]
    """Items listed in the batch: if their listing is not stored yet, their stored bids await it."""
    bid_ids: frozenset[str]
    extension_ids: frozenset[str]
    sources: frozenset[Source]


@dataclass
class Known:
    """The stored state `fold` asked for, restricted to the batch's items, ids and sources."""

    listings: dict[str, Listing] = field(default_factory=dict)
    closes: dict[str, tuple[Close, bool]] = field(default_factory=dict)
    """Stored closes with their on-time verdict."""
    unjoined_bids: dict[str, list[tuple[AcceptedBid, bool]]] = field(default_factory=dict)
    """Stored bids (with on-time verdict) of items whose listing is not stored yet."""
    bid_ids: set[str] = field(default_factory=set)
    extension_ids: set[str] = field(default_factory=set)
    watermarks: dict[Source, Watermark] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Late:
    """A fact that came after its window was final; recorded, never added to the window."""

    fact: Windowed
    source: Source
    offset: int
    window_start: datetime
    watermark: datetime


@dataclass
class Changes:
    listings: list[Listing] = field(default_factory=list)
    bids: list[tuple[AcceptedBid, bool]] = field(default_factory=list)
    extensions: list[Extension] = field(default_factory=list)
    closes: list[tuple[Close, bool]] = field(default_factory=list)
    late: list[Late] = field(default_factory=list)
    cells: Cells = field(default_factory=Cells)
    watermarks: dict[Source, Watermark] = field(default_factory=dict)
    """Watermarks that moved."""
    to_summarize: set[str] = field(default_factory=set)
    """Closed, listed items with new facts: their summaries must be recomputed from all their facts."""


def needs(arrivals: Iterable[Arrival]) -> Needs:
    items, listed, bids, extensions, sources = set(), set(), set(), set(), set()
    for arrival in arrivals:
        fact = arrival.fact
        items.add(fact.item_id)
        sources.add(arrival.source)
        if isinstance(fact, AcceptedBid):
            bids.add(fact.bid_id)
        elif isinstance(fact, Listing):
            listed.add(fact.item_id)
        elif isinstance(fact, Extension):
            extensions.add(fact.event_id)
    return Needs(frozenset(items), frozenset(listed), frozenset(bids), frozenset(extensions), frozenset(sources))


def fold(arrivals: Sequence[Arrival], known: Known, policy: Policy) -> Changes:
    """What the batch changes, given the stored state it needs (`known` is not modified)."""
    return _Folding(known, policy).run(arrivals)


class _Folding:
    """The working state of one `fold` call: what is known so far, including this batch's facts."""

    def __init__(self, known: Known, policy: Policy) -> None:
        self.policy = policy
        self.listings = dict(known.listings)
        self.closes = dict(known.closes)
        self.unjoined = {item: list(bids) for item, bids in known.unjoined_bids.items()}
        self.bid_ids = set(known.bid_ids)
        self.extension_ids = set(known.extension_ids)
        self.watermarks = dict(known.watermarks)
        self.changes = Changes()
        self.touched: set[str] = set()

    def run(self, arrivals: Sequence[Arrival]) -> Changes:
        for arrival in arrivals:
            fact = arrival.fact
            if isinstance(fact, AcceptedBid):
                self._bid(fact, arrival)
            elif isinstance(fact, Listing):
                self._listing(fact)
            elif isinstance(fact, Close):
                self._close(fact, arrival)
            else:
                self._extension(fact)
        changes = self.changes
        changes.to_summarize = {item for item in self.touched if item in self.closes and item in self.listings}
        return changes

    def _judge(self, fact: Windowed, arrival: Arrival) -> bool:
        """On time or late, by the fact's partition's watermark, which then takes the fact into account."""
        watermark = self.watermarks.get(arrival.source, _UNSEEN)
        lateness = self.policy.allowed_lateness
        on_time = watermark.admits(fact.at, lateness)
        if not on_time:
            self.changes.late.append(
                Late(fact, arrival.source, arrival.offset, window_start(fact.at, self.policy.window), watermark.final_until(lateness))
            )
        moved = watermark.after(fact.at)
        if moved is not watermark:
            self.watermarks[arrival.source] = self.changes.watermarks[arrival.source] = moved
        return on_time

    def _bid(self, bid: AcceptedBid, arrival: Arrival) -> None:
        if bid.bid_id in self.bid_ids:
            return
        self.bid_ids.add(bid.bid_id)
        on_time = self._judge(bid, arrival)
        self.changes.bids.append((bid, on_time))
        listing = self.listings.get(bid.item_id)
        if listing is None:
            self.unjoined.setdefault(bid.item_id, []).append((bid, on_time))
        elif on_time:
            self.changes.cells.add_bid(listing, bid, self.policy)
        self.touched.add(bid.item_id)

    def _listing(self, listing: Listing) -> None:
        if listing.item_id in self.listings:
            return
        self.listings[listing.item_id] = listing
        self.changes.listings.append(listing)
        cells = self.changes.cells
        for bid, on_time in self.unjoined.pop(listing.item_id, ()):
            if on_time:
                cells.add_bid(listing, bid, self.policy)
        close, on_time = self.closes.get(listing.item_id, (None, False))
        if close is not None and on_time:
            cells.add_close(listing, close, self.policy)
        self.touched.add(listing.item_id)

    def _close(self, close: Close, arrival: Arrival) -> None:
        if close.item_id in self.closes:
            return
        on_time = self._judge(close, arrival)
        self.closes[close.item_id] = (close, on_time)
        self.changes.closes.append((close, on_time))
        listing = self.listings.get(close.item_id)
        if listing is not None and on_time:
            self.changes.cells.add_close(listing, close, self.policy)
        self.touched.add(close.item_id)

    def _extension(self, extension: Extension) -> None:
        if extension.event_id in self.extension_ids:
            return
        self.extension_ids.add(extension.event_id)
        self.changes.extensions.append(extension)
        self.touched.add(extension.item_id)
