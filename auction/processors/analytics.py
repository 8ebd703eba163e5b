"""The analytics processor: listings, bid decisions and closes → event-time analytics in PostgreSQL.

Each record becomes a fact stamped with its own event time; the sink folds a batch through
`streams.analytics` and commits the results with the consumed offsets, exactly once.
Listings come first in the inputs: on equal timestamps the runtime hands them over first.
"""
from auction.analytics.facts import storable
from auction.analytics.policy import analytics_policy
from auction.analytics.sink import AnalyticsSink
from streams.analytics.facts import fact_of
from streams.analytics.fold import Arrival
from streams.events import decode
from streams.runtime.processor import Processor

NAME = "analytics"
TOPICS = ("auction.items", "auction.bids.history", "auction.items.complete")


def _arrival(record, ctx) -> tuple[Arrival, ...]:
    fact = fact_of(record.value)
    return () if fact is None else (Arrival((record.topic, record.partition), record.offset, storable(fact)),)


processor = Processor(
    name=NAME,
    inputs=TOPICS,
    handle=_arrival,
    decode=decode,
    sink=AnalyticsSink(NAME, analytics_policy()),
)
