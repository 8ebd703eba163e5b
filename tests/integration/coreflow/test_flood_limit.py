"""The per-user flood limit is protection, not correctness: with Redis down, bids still go through."""
import logging
import socket

import pytest

from auction.bidding import rate_limit
from tests.integration.coreflow.listing import listed

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def redis_down(settings, monkeypatch):
    """Points the flood limit's client at a port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings.REDIS_URL = f"redis://127.0.0.1:{closed_port}/0"
    monkeypatch.setattr(rate_limit, "_client", None)


def test_bids_are_decided_while_redis_is_down(auction_pipeline, client, person, settings, redis_down, caplog):
    settings.AUCTION_READ_YOUR_WRITES_SECONDS = 10
    item = listed(person("seller").user)
    bidder = person("bidder")

    with caplog.at_level(logging.WARNING, logger=rate_limit.__name__):
        response = client.post(
            f"/api/items/{item.pk}/bids", {"amount": "12.00"}, content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {bidder.token}",
        )

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["leading"]) == ("accepted", True)
    assert any("Redis is unavailable" in record.getMessage() for record in caplog.records)
