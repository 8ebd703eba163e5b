"""The HTTP edge of the demo's market: an API item read as the market's view, amounts as cents."""
from auction.loadgen.demo import cents, item_view


def _item(**overrides) -> dict:
    return {
        "id": "0b6e0f9e-2f43-4b8e-9d7e-0d6f4f2f0a11", "status": "open", "minimum_bid": "45.50", "leader": "bidder-1a2b3c4d",
        "ends_at": "2030-01-01T12:00:00Z", "buy_now_price": "120.00", "buy_now_available": True, **overrides,
    }


def test_an_open_item_is_seen_in_cents_with_its_end_in_epoch_seconds():
    view = item_view(_item())
    assert (view.open, view.minimum_bid, view.leader, view.buy_now_price, view.buy_now_available) == (True, 45_50, "bidder-1a2b3c4d", 120_00, True)
    assert view.ends_at == 1893499200.0


def test_a_closed_item_is_not_open_to_bids():
    assert item_view(_item(status="closed", minimum_bid=None, buy_now_price=None, buy_now_available=False)).open is False


def test_cents():
    assert cents("0.05") == 5 and cents("1234.50") == 123_450 and cents(None) is None
