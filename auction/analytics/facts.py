"""The fact tables as seen from the pure core: which column holds which field of which fact.

A fact's fields and its table's columns come in the same order, so a fact is written as a
plain tuple (by COPY) and read back as one (ids cast to text in SQL, timestamps loaded in
binary) without building model instances: the processor writes every bid it sees and reads
back every bid of each auction that closes, so this is its hot path. Ids are strings in the
core and UUIDs in PostgreSQL.
"""
from dataclasses import dataclass

from auction.analytics.models import BidFact, CloseFact, ExtensionFact, ListingFact
from auction.streaming.cursor import UUIDS
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
        """The row of a fact (a named tuple: its fields are the columns, in order)."""
        return (*fact, on_time) if self.judged else fact

    def fact(self, row: tuple) -> Fact:
        """The fact of a row read with `select` (the on-time verdict, if any, is left out)."""
        return self.fact_type._make(row[: len(self.columns)])

    @property
    def all_columns(self) -> tuple[str, ...]:
        return self.columns + ("on_time",) if self.judged else self.columns

    def select(self, where: str) -> str:
        """Rows whose `where` column is one of the UUIDs of the one parameter (`cursor.uuid_list`), with the
        on-time verdict last."""
        columns = [self.model._meta.get_field(name).column for name in self.all_columns]
        chosen = ", ".join(f'"{column}"::text' if position in self.ids else f'"{column}"' for position, column in enumerate(columns))
        return f'SELECT {chosen} FROM "{self.model._meta.db_table}" WHERE "{self.model._meta.get_field(where).column}" = ANY({UUIDS})'


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
    for name, value in zip(fact._fields, fact):
        if isinstance(value, int) and value > BIGINT_MAX:
            raise ValueError(f"{name}={value} does not fit a bigint")
    return fact
