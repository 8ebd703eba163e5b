"""The live processor remembers listing terms it found, and only those, within a bound."""
from auction.catalog.models import Item
from auction.live.listings import Listings


class Table:
    """A read model that counts its reads; items appear in it when `project` says so."""

    def __init__(self) -> None:
        self.rows: dict[str, Item] = {}
        self.reads = 0

    def project(self, item_id: str) -> None:
        self.rows[item_id] = Item(id=item_id, title=f"item {item_id}")

    def lookup(self, item_id: str) -> Item | None:
        self.reads += 1
        return self.rows.get(item_id)


def test_found_rows_are_read_once_and_missing_ones_again():
    table = Table()
    listings = Listings(table.lookup)
    table.project("a")

    assert [listings.get("a").title, listings.get("a").title] == ["item a", "item a"]
    assert listings.get("b") is None
    table.project("b")
    assert listings.get("b").title == "item b", "an item projected late is found on its next decision"
    assert table.reads == 3


def test_the_least_recently_used_row_goes_first():
    table = Table()
    for item_id in "abc":
        table.project(item_id)
    listings = Listings(table.lookup, size=2)

    for item_id in "ab":
        listings.get(item_id)
    listings.get("a")  # now b is the least recently used
    listings.get("c")
    reads = table.reads
    listings.get("a")
    listings.get("b")

    assert table.reads == reads + 1, "a was kept, b was forgotten"
