"""The analytics processor: listings, bid decisions and closes → event-time analytics in PostgreSQL, exactly once.

Per record, the fact it states, stamped with the partition and offset it came from (`streams.analytics`
decides what a fact is). Per batch (`fold`, inside the sink's transaction with the offsets), because
the pure core decides per batch: look up the stored state the batch needs once (`loading`), fold the
batch through `streams.analytics` with the time policy, and write facts, window cells, late events,
watermarks and recomputed auction summaries together (`writing`). Listings come first in the inputs:
on equal timestamps the runtime hands them over first. Everything it writes is derived from the
log, so it can be rebuilt (`auction.streaming.rebuild`) or reset (`services.analytics_reset`).

After each batch it commits, open analytics pages are told that the figures changed (a small live
message on the `analytics` group, at most one a second: `auction.live.announce`), and fetch them.
"""
from collections.abc import Callable, Sequence

from auction.analytics import models
from auction.analytics.facts import storable
from auction.analytics.figures import figures_changed
from auction.analytics.loading import histories, known_state
from auction.analytics.policy import analytics_policy
from auction.analytics.writing import changes_write, summaries_write
from auction.live.announce import Announcer
from auction.live.groups import ANALYTICS
from auction.live.messages import Push
from auction.live.push import pusher
from auction.streaming.sink import PostgresSink, Tables
from streams.analytics.auctions import summarize
from streams.analytics.facts import fact_of
from streams.analytics.fold import Arrival, fold as fold_arrivals, needs
from streams.analytics.policy import Policy
from streams.events import decode
from streams.runtime.processor import Processor, Record
from streams.topics import BIDS_HISTORY_TOPIC, ITEMS_COMPLETE_TOPIC, ITEMS_TOPIC

NAME = "analytics"
INPUTS = (ITEMS_TOPIC, BIDS_HISTORY_TOPIC, ITEMS_COMPLETE_TOPIC)
TABLES = Tables(
    derived=(
        models.ListingFact, models.BidFact, models.ExtensionFact, models.CloseFact, models.BidWindow,
        models.ItemPane, models.OutcomeWindow, models.AuctionSummary, models.Participation, models.LateEvent,
    ),
    per_consumer=(models.SourceWatermark,),
)
POLICY = analytics_policy()


def handle(record: Record, ctx) -> tuple[Arrival, ...]:
    """Per record: its fact, if it states one (checked here to fit PostgreSQL, so a bad one is dead-lettered)."""
    fact = fact_of(record.value)
    return () if fact is None else (Arrival((record.topic, record.partition), record.offset, storable(fact)),)


def fold(arrivals: Sequence[Arrival], *, consumer: str, policy: Policy) -> None:
    """Per batch: fold the arrivals into what is stored, and store what changed (watermarks under `consumer`)."""
    if not arrivals:
        return
    changes = fold_arrivals(arrivals, known_state(needs(arrivals), consumer=consumer), policy)
    changes_write(changes, consumer=consumer)
    if changes.to_summarize:
        summaries_write(summarize(history, policy) for history in histories(changes.to_summarize))


CHANGED = {"type": "analytics"}
"""The live message that tells analytics pages to fetch their figures again (it carries none)."""
announcer = Announcer(lambda: pusher.push([Push(ANALYTICS, CHANGED)]))


class AnalyticsSink(PostgresSink):
    """The analytics sink: each batch is folded with `policy`, its watermarks kept under the sink's own
    consumer name (so a renamed copy, `PostgresSink.renamed`, keeps watermarks of its own too); after
    each batch it commits with results it calls `changed` (the figures moved).

    A `PostgresSink` itself, so the processor stays rebuildable (`auction.streaming.rebuild`)."""

    def __init__(self, consumer: str, policy: Policy, changed: Callable[[], None] | None = None) -> None:
        super().__init__(consumer, fold, TABLES)
        self.policy = policy
        self.changed = changed

    def write(self, results: Sequence[Arrival]) -> None:
        fold(results, consumer=self.consumer, policy=self.policy)

    def commit(self, results: Sequence[Arrival], offsets, expected=None) -> None:
        super().commit(results, offsets, expected)
        if results and self.changed is not None:
            figures_changed()  # before the pages hear of it, so they never refetch what was kept before
            self.changed()


def analytics_sink(consumer: str, policy: Policy) -> AnalyticsSink:
    """The processor's sink under a consumer name and a policy of its own, telling no page (tests, benchmarks)."""
    return AnalyticsSink(consumer, policy)


processor = Processor(
    name=NAME,
    inputs=INPUTS,
    handle=handle,
    decode=decode,
    sink=AnalyticsSink(NAME, POLICY, announcer.changed),
)
