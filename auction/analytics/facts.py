"""The fact tables as seen from the pure core: which column holds which field of which fact.

A fact's fields and its table's columns come in the same order, so a fact is written as a
plain tuple (by COPY) and read back from `values_list` without building model instances:
the processor writes every bid it sees, so this is its hot path. Ids are strings in the
core and UUIDs in PostgreSQL.
"""
import dataclasses
from dataclasses import dataclass

from auction.analytics.models import BidFact, CloseFact, ExtensionFact, ListingFact
from streams.analytics.facts import AcceptedBid, Close, Extension, Fact, Listing

BIGINT_MAX = 2**63 - 1


@dataclass(frozen=True)
class FactTable:
    model: type
    fact_type: type
    columns: tuple[str, ...]
    """Model field names, in the order of the fact's fields."""
    ids: tuple[int, ...]
    """Positions of UUID columns."""
    judged: bool = False
    """Whether an `on_time` column follows the fact's fields."""

    def values(self, fact: Fact, on_time: bool | None = None) -> tuple:
        values = tuple(getattr(fact, name) for name in fact.__slots__)
        return values + (on_time,) if self.judged else values

    def fact(self, values: tuple) -> Fact:
        fields = [str(value) if position in self.ids else value for position, value in enumerate(values[: len(self.columns)])]
        return self.fact_type(*fields)

    def rows(self, **lookup) -> list[tuple]:
        """Stored rows matching the lookup, with the on-time verdict last when there is one."""
        return list(self.model.objects.filter(**lookup).values_list(*self.all_columns))

    @property
    def all_columns(self) -> tuple[str, ...]:
        return self.columns + ("on_time",) if self.judged else self.columns


LISTINGS = FactTable(
    ListingFact,
    Listing,
    ("item_id", "seller_id", "seller_name", "title", "category", "currency", "starting_price", "reserve_price",
     "buy_now_price", "starts_at", "ends_at"),
    ids=(0,),
)
BIDS = FactTable(
    BidFact, AcceptedBid, ("bid_id", "item_id", "bidder_id", "bidder_name", "amount", "price", "currency", "decided_at"), ids=(0, 1), judged=True
)
EXTENSIONS = FactTable(ExtensionFact, Extension, ("event_id", "item_id", "ends_at", "extended_at"), ids=(1,))
CLOSES = FactTable(
    CloseFact,
    Close,
    ("item_id", "seller_id", "outcome", "winner_id", "final_price", "high_bid", "bid_count", "closed_at"),
    ids=(0,),
    judged=True,
)


def storable(fact: Fact) -> Fact:
    """The fact, if its numbers fit PostgreSQL's bigint (the schemas set no upper bound).

    A fact the database would refuse must fail in the handler, where the runtime dead-letters
    its record, and not in the sink, where it would fail its whole batch again on every retry.
    """
    for field in dataclasses.fields(fact):
        value = getattr(fact, field.name)
        if isinstance(value, int) and value > BIGINT_MAX:
            raise ValueError(f"{field.name}={value} does not fit a bigint")
    return fact
