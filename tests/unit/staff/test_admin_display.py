"""Amounts in the admin: one column maker serves every price and maximum of the admin's lists and pages."""
from types import SimpleNamespace

from auction.staff.admin.bids import BidAdmin
from auction.staff.admin.display import amount_column
from auction.staff.admin.items import ItemAdmin
from auction.staff.admin.results import ResultAdmin


def test_an_amount_column_shows_the_rows_minor_units_in_its_currency():
    column = amount_column("max_amount", "maximum (private)")

    assert column(None, SimpleNamespace(max_amount=7700, currency="EUR")) == "€77.00"
    assert column(None, SimpleNamespace(max_amount=None, currency="EUR")) == "—", "no maximum given"


def test_an_amount_column_is_labelled_and_sorted_by_its_field():
    column = amount_column("final_price", "final price")

    assert column.short_description == "final price"
    assert column.admin_order_field == "final_price"


def test_the_admins_show_each_amount_from_its_own_field():
    row = SimpleNamespace(
        currency="EUR", amount=1000, max_amount=2000, starting_price=300, buy_now_price=4000,
        high_bid=5000, final_price=6000, reserve_price=7000,
    )
    shown = {
        "bid amount": BidAdmin.amount_shown(None, row),
        "bid maximum": BidAdmin.maximum(None, row),
        "starting": ItemAdmin.starting(None, row),
        "buy now": ItemAdmin.buy_now(None, row),
        "item high": ItemAdmin.high(None, row),
        "item final": ItemAdmin.final(None, row),
        "result final": ResultAdmin.final(None, row),
        "result high": ResultAdmin.high(None, row),
        "reserve": ResultAdmin.reserve(None, row),
    }
    assert shown == {
        "bid amount": "€10.00", "bid maximum": "€20.00", "starting": "€3.00", "buy now": "€40.00",
        "item high": "€50.00", "item final": "€60.00", "result final": "€60.00", "result high": "€50.00",
        "reserve": "€70.00",
    }
