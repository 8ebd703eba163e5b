"""The words a closed item's banner uses depend on who reads them: the winner is told in the second
person, everyone else (the seller included) reads the winner's masked name."""
from datetime import datetime, timezone

import pytest

from auction.catalog.models import Item
from auction.catalog.presentation import outcome_summary

WINNER, SELLER, OTHER = 41, 42, 43


def closed(outcome: str) -> Item:
    return Item(
        title="Lamp", seller_id=SELLER, seller_name="sofia", status=Item.Status.CLOSED, outcome=outcome,
        winner_id=WINNER, winner_name="bruno", final_price=25_00, current_price=25_00, currency="EUR",
        ends_at=datetime(2026, 12, 7, tzinfo=timezone.utc),
    )


@pytest.mark.parametrize(
    ("outcome", "viewer", "words"),
    [
        ("sold", WINNER, "You won this auction for €25.00"),
        ("sold", SELLER, "Sold to b***o for €25.00"),
        ("sold", OTHER, "Sold to b***o for €25.00"),
        ("sold", None, "Sold to b***o for €25.00"),
        ("bought_now", WINNER, "You bought this with Buy It Now for €25.00"),
        ("bought_now", SELLER, "Bought with Buy It Now by b***o for €25.00"),
    ],
)
def test_each_reader_gets_their_own_words(outcome, viewer, words):
    assert outcome_summary(closed(outcome), viewer_id=viewer) == words


def test_an_open_item_has_no_outcome_yet():
    item = closed("sold")
    item.status = Item.Status.OPEN
    assert outcome_summary(item, viewer_id=WINNER) is None
