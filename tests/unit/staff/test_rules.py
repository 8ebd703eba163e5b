"""What staff may do to an auction in the state the read model shows."""
from datetime import datetime, timedelta, timezone

import pytest

from auction.catalog.models import Item
from auction.staff.rules import MAX_EXTENSION_DAYS, extension_problem, relist_problem, stop_problem

NOW = datetime(2030, 1, 1, 12, 0, tzinfo=timezone.utc)


def _item(status="open", outcome="", ends_at=NOW + timedelta(hours=2)) -> Item:
    return Item(status=status, outcome=outcome, ends_at=ends_at)


def test_only_open_auctions_can_be_cancelled_or_ended():
    assert stop_problem(_item()) is None
    assert stop_problem(_item("closed", "sold")) == "This auction has already ended."


@pytest.mark.parametrize(
    ("new_end", "problem"),
    [
        pytest.param(NOW + timedelta(days=1), None, id="a day later"),
        pytest.param(NOW + timedelta(hours=2), "later than the current end", id="the current end"),
        pytest.param(NOW + timedelta(hours=1), "later than the current end", id="earlier"),
        pytest.param(NOW + timedelta(days=MAX_EXTENSION_DAYS), f"within {MAX_EXTENSION_DAYS} days", id="too far"),
    ],
)
def test_an_extension_must_move_the_end_later_but_not_too_far(new_end, problem):
    found = extension_problem(_item(), new_end, NOW)
    assert found is None if problem is None else problem in found


def test_an_auction_whose_end_passed_can_be_extended_from_now_until_it_closes():
    item = _item(ends_at=NOW - timedelta(minutes=1))
    assert extension_problem(item, NOW - timedelta(seconds=1), NOW) is not None
    assert extension_problem(item, NOW + timedelta(hours=1), NOW) is None


@pytest.mark.parametrize(
    ("status", "outcome", "allowed"),
    [
        ("closed", "no_bids", True),
        ("closed", "reserve_not_met", True),
        ("closed", "sold", False),
        ("closed", "bought_now", False),
        ("closed", "cancelled", False),
        ("open", "", False),
    ],
)
def test_only_unsold_auctions_can_be_relisted(status, outcome, allowed):
    assert (relist_problem(_item(status, outcome)) is None) == allowed
