"""Items' listing terms for the live processor, remembered.

A decision's message needs the item's title and terms (reserve or not, buy-now price), which
never change once listed; reading the row for every decision was most of the processor's time
under load. Only rows found are remembered, so an item projected a moment late is found on its
next decision. The remembered rows' state fields are stale by design: messages lay each event's
facts over them (`changes`).
"""
from collections import OrderedDict
from collections.abc import Callable

from auction.catalog.models import Item

SIZE = 10_000
"""Open auctions one instance may be pushing about at once; the least recently used go first."""


class Listings:
    def __init__(self, lookup: Callable[[str], Item | None], size: int = SIZE) -> None:
        self._lookup = lookup
        self._size = size
        self._rows: OrderedDict[str, Item] = OrderedDict()

    def get(self, item_id: str) -> Item | None:
        row = self._rows.get(item_id)
        if row is not None:
            self._rows.move_to_end(item_id)
            return row
        row = self._lookup(item_id)
        if row is not None:
            self._rows[item_id] = row
            if len(self._rows) > self._size:
                self._rows.popitem(last=False)
        return row
