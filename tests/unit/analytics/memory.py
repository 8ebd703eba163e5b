"""The analytics processor's batch bookkeeping done in dicts, so the pure core can be run batch by batch in tests.

It mirrors what `auction.analytics.processor.fold` does with PostgreSQL: look up what `needs` asks for,
`fold`, keep the changes, re-summarise closed auctions. Comparing two runs compares `results()`.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from streams.analytics.auctions import History, summarize
from streams.analytics.cells import Cells
from streams.analytics.facts import AcceptedBid, Close, Extension, Fact, Listing, fact_of
from streams.analytics.fold import Arrival, Known, fold, needs
from streams.analytics.policy import Policy
from streams.analytics.watermark import Watermark
from streams.events import decode, encode
from tests.workloads.nexmark import Entry


class MemoryStore:
    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.listings: dict[str, Listing] = {}
        self.bids: dict[str, dict[str, tuple[AcceptedBid, bool]]] = {}
        self.extensions: dict[str, dict[str, Extension]] = {}
        self.closes: dict[str, tuple[Close, bool]] = {}
        self.watermarks: dict[tuple[str, int], Watermark] = {}
        self.cells = Cells()
        self.late: list = []
        self.summaries: dict = {}

    def apply(self, arrivals: Sequence[Arrival]) -> None:
        need = needs(arrivals)
        stored_bid_ids = {bid.bid_id for item in need.item_ids for bid, _ in self.bids.get(item, {}).values()}
        known = Known(
            listings={item: self.listings[item] for item in need.item_ids if item in self.listings},
            closes={item: self.closes[item] for item in need.item_ids if item in self.closes},
            unjoined_bids={
                item: list(self.bids.get(item, {}).values()) for item in need.listed_ids if item not in self.listings
            },
            bid_ids=need.bid_ids & stored_bid_ids,
            extension_ids={e for item in need.item_ids for e in self.extensions.get(item, {})} & need.extension_ids,
            watermarks={source: self.watermarks[source] for source in need.sources if source in self.watermarks},
        )
        changes = fold(arrivals, known, self.policy)
        for listing in changes.listings:
            self.listings[listing.item_id] = listing
        for bid, on_time in changes.bids:
            self.bids.setdefault(bid.item_id, {})[bid.bid_id] = (bid, on_time)
        for extension in changes.extensions:
            self.extensions.setdefault(extension.item_id, {})[extension.event_id] = extension
        for close, on_time in changes.closes:
            self.closes[close.item_id] = (close, on_time)
        self.watermarks.update(changes.watermarks)
        self.cells.merge(changes.cells)
        self.late.extend(changes.late)
        for item in changes.to_summarize:
            history = History(
                self.listings[item],
                [bid for bid, _ in self.bids.get(item, {}).values()],
                list(self.extensions.get(item, {}).values()),
                self.closes[item][0],
            )
            self.summaries[item] = summarize(history, self.policy)

    def results(self) -> dict:
        """Everything a reader can see, in a form that compares equal for equal figures."""
        return {
            "bid_windows": self.cells.bid_windows,
            "panes": self.cells.panes,
            "outcomes": self.cells.outcomes,
            "summaries": self.summaries,
            "late": sorted((late.fact.item_id, getattr(late.fact, "bid_id", ""), late.window_start) for late in self.late),
        }


PARTITIONS = 3
Sourced = tuple[str, Fact]
"""A fact with the topic it is read from."""


def facts_of(entries: Iterable[Entry]) -> list[Sourced]:
    """What the processor's handler makes of each generated record, through the real CloudEvents encoding."""
    out = []
    for entry in entries:
        record = encode(entry.event, source="/test", event_id=entry.event_id, time=entry.time)
        fact = fact_of(decode(record.headers, record.key, record.value))
        if fact is not None:
            out.append((entry.topic, fact))
    return out


def arrivals_of(log: Iterable[Sourced]) -> list[Arrival]:
    """The facts as read in this order: each on its topic's partition for its item, offsets counting up."""
    offsets: dict[tuple[str, int], int] = {}
    out = []
    for topic, fact in log:
        source = (topic, int(fact.item_id[:8], 16) % PARTITIONS)
        offsets[source] = offset = offsets.get(source, -1) + 1
        out.append(Arrival(source, offset, fact))
    return out


def run(arrivals: Sequence[Arrival], policy: Policy, batch_sizes: Iterable[int] = ()) -> MemoryStore:
    """Apply the arrivals in batches of the given sizes (the rest in one batch)."""
    store = MemoryStore(policy)
    position = 0
    for size in batch_sizes:
        store.apply(arrivals[position : position + size])
        position += size
    store.apply(arrivals[position:])
    return store
