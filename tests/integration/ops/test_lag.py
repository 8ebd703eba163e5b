"""Consumer lag on the ops page: it appears when a processor stops, drains when it starts again, and a
caught-up processor shows none even where transaction markers take offsets."""
import uuid

import pytest
from django.urls import reverse

from auction.bidding.models import Bid
from auction.bidding.services import bid_place
from auction.catalog.models import Item
from streams.money import Money
from streams.runtime.deadletter import record_dead_letter
from tests.support.waiting import eventually
from tests.integration.ops.support import listed
from tests.integration.runtime.support import produce

pytestmark = pytest.mark.django_db(transaction=True)
TIMEOUT_S = 30
STOPPED_BACKLOG = 5


@pytest.fixture(autouse=True)
def same_names_as_the_processors(monkeypatch, processor_env):
    """The ops page names consumer groups as `serve` does; the test's processors run with this suffix."""
    monkeypatch.setenv("STREAMS_NAME_SUFFIX", processor_env["STREAMS_NAME_SUFFIX"])


def _row(client, processor: str) -> dict:
    response = client.get(reverse("ops:overview"))
    assert response.status_code == 200, response.content
    [row] = [p for p in response.json()["processors"] if p["name"] == processor]
    return row


def _dead_letters(count: int) -> list[tuple]:
    emits = [
        record_dead_letter(
            "auction.dead-letter", "ops-lag-test", topic="ops-lag-test", partition=0, offset=n,
            key=uuid.uuid4().hex.encode(), value=b"{}", headers=[], error=ValueError("test"),
        )
        for n in range(count)
    ]
    return [(emit.key, emit.value, list(emit.headers)) for emit in emits]


def test_lag_appears_while_a_processor_is_stopped_and_drains_when_it_runs_again(
    kafka_bootstrap, start_processor, staff_client, settings
):
    settings.OPS_LAG_THRESHOLDS = {"dead-letters": STOPPED_BACKLOG - 1}
    processor = start_processor("dead-letters")
    eventually(lambda: _row(staff_client, "dead-letters")["lag"] == 0, timeout_s=TIMEOUT_S, what="caught up")

    processor.stop()
    produce(kafka_bootstrap, "auction.dead-letter", _dead_letters(STOPPED_BACKLOG))
    stopped = _row(staff_client, "dead-letters")
    assert stopped["lag"] >= STOPPED_BACKLOG and stopped["over_threshold"]
    assert sum(p["lag"] for p in stopped["partitions"]) == stopped["lag"]

    processor.start()
    drained = eventually(
        lambda: (row := _row(staff_client, "dead-letters"))["lag"] == 0 and row, timeout_s=TIMEOUT_S, what="drained"
    )
    assert not drained["over_threshold"]
    assert drained["consumed_per_second"] is not None


def test_a_caught_up_processor_shows_no_lag_though_transaction_markers_take_offsets(
    auction_pipeline, staff_client, person
):
    """The projector reads the bidding processor's transactional output: its offsets stop one short of each marker.

    Only the item's partition is judged: between tests the database is flushed, offsets included,
    while the session's projector runs on, so other partitions may have no stored offset.
    """
    item_id = listed(person("seller"), title="Marked lamp")
    item = eventually(lambda: Item.objects.filter(pk=item_id).first(), timeout_s=TIMEOUT_S, what="listing")
    placed = bid_place(bidder=person("bidder"), item=item, amount=Money.parse("11.00", "EUR"))
    eventually(lambda: Bid.objects.filter(pk=placed.bid_id).exists(), timeout_s=TIMEOUT_S, what="the decision")

    def item_partition_caught_up():
        rows = {
            row["topic"]: row
            for row in _row(staff_client, "projector")["partitions"]
            if row["partition"] == placed.published.partition
        }
        judged = [rows[topic] for topic in ("auction.items", "auction.bids", "auction.bids.history")]
        return all(row["committed"] is not None and row["lag"] == 0 for row in judged) and rows

    rows = eventually(item_partition_caught_up, timeout_s=TIMEOUT_S, what="no lag on the item's partition")
    history = rows["auction.bids.history"]
    assert history["committed"] < history["end"], "a transaction marker follows the decision"
