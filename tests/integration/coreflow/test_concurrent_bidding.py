"""50 bidders × 20 bids on one item, all at once through `POST /api/items/{id}/bids`, end exactly where
a sequential replay of the item's bid log ends.

Bidders bid the minimum they last saw plus a little (a third with a proxy maximum), so many
bids race and lose: the decisions, not only the final price, are compared with the replay.
"""
import asyncio
import random
from decimal import Decimal

import httpx
import pytest

from auction.bidding.models import Bid
from auction.catalog.models import Item
from auction.loadgen import workload
from auction.loadgen.client import Api
from streams.events import BidAccepted, BidPlaced, ItemListed
from tests.integration.coreflow.api import listed_item, run_async
from tests.integration.coreflow.eventlog import committed_events, decisions_by_bid, end_offsets, of_type
from tests.integration.coreflow.replay import Replay, without_time
from tests.support.waiting import eventually

pytestmark = pytest.mark.django_db(transaction=True)

BIDDERS, BIDS_EACH = 50, 20
TOPICS = ("auction.items", "auction.bids", "auction.bids.history")
DECIDED_TIMEOUT_S = 60


async def _bid_many(api: Api, item: dict, rng: random.Random) -> list[tuple[int, dict]]:
    minimum = Decimal(item["minimum_bid"])
    replies = []
    for _ in range(BIDS_EACH):
        choice = workload.bid(rng, minimum)
        status, reply, _ = await api.bid(item["id"], f"{choice.amount:.2f}", choice.max_amount and f"{choice.max_amount:.2f}")
        replies.append((status, reply))
        if reply.get("item", {}).get("minimum_bid"):
            minimum = max(minimum, Decimal(reply["item"]["minimum_bid"]))
    return replies


async def _auction(site: str, seller: str, bidders: list[str]) -> tuple[dict, list[tuple[int, dict]]]:
    limits = httpx.Limits(max_connections=BIDDERS)
    async with httpx.AsyncClient(base_url=site, timeout=60, limits=limits) as http:
        listing = {
            "title": "Contested music box", "description": "Everyone wants it.", "category": "collectibles",
            "location": "Vienna", "starting_price": "10.00", "reserve_price": "40.00", "duration_seconds": 3600,
        }
        item = await listed_item(Api(http, seller), listing)
        rngs = [random.Random(n) for n in range(BIDDERS)]
        per_bidder = await asyncio.gather(*(_bid_many(Api(http, token), item, rng) for token, rng in zip(bidders, rngs)))
    return item, [reply for replies in per_bidder for reply in replies]


def test_concurrent_bids_through_http_end_as_a_sequential_replay(site, auction_pipeline, person, kafka_bootstrap):
    since = end_offsets(kafka_bootstrap, TOPICS)
    seller, bidders = person("seller"), [person("bidder") for _ in range(BIDDERS)]

    item, replies = run_async(_auction(site, seller.token, [bidder.token for bidder in bidders]))

    item_id = item["id"]
    assert {status for status, _ in replies} <= {200, 202}, {status for status, _ in replies}
    eventually(
        lambda: Bid.objects.filter(item_id=item_id).count() == BIDDERS * BIDS_EACH,
        timeout_s=DECIDED_TIMEOUT_S, what="every bid decided and projected",
    )
    [listed] = of_type(committed_events(kafka_bootstrap, "auction.items", keys=[item_id], since=since), ItemListed)
    placed = of_type(committed_events(kafka_bootstrap, "auction.bids", keys=[item_id], since=since), BidPlaced)
    history = committed_events(kafka_bootstrap, "auction.bids.history", keys=[item_id], since=since)
    replay = Replay.of(listed, placed)

    assert sorted(bid.bid_id for bid in placed) == sorted(reply["bid_id"] for _, reply in replies)
    decided = decisions_by_bid(history)
    assert decided.keys() == replay.decisions.keys()
    for bid_id, expected in replay.decisions.items():
        # On a broker other runs share, their bidding processors decide these bids too: those that
        # started before the listing decide alike, those that started after never saw the item.
        copies = {repr(without_time(d)) for d in decided[bid_id] if getattr(d, "reason_code", None) != "unknown_item"}
        assert copies == {repr(without_time(expected))}, bid_id
    accepted = [d for d in replay.decisions.values() if isinstance(d, BidAccepted)]
    assert 0 < len(accepted) < len(placed), "the load should make bids race and some lose"

    final = replay.state
    last = max((accepted.state for accepted in of_type(history, BidAccepted)), key=lambda state: state.seq)
    row = Item.objects.get(pk=item_id)
    assert (row.current_price, row.leader_id, row.bid_count, row.seq) == (final.price, final.leader.bidder_id, final.bid_count, final.seq)
    assert (last.price.minor, last.leader_id, last.bid_count, last.seq) == (final.price, final.leader.bidder_id, final.bid_count, final.seq)
    statuses = dict(Bid.objects.filter(item_id=item_id).values_list("id", "status"))
    assert {str(bid_id): status for bid_id, status in statuses.items()} == {
        bid_id: "accepted" if isinstance(d, BidAccepted) else "rejected" for bid_id, d in replay.decisions.items()
    }
    answered = [reply for status, reply in replies if status == 200]
    assert all(reply["status"] == ("accepted" if isinstance(replay.decisions[reply["bid_id"]], BidAccepted) else "rejected") for reply in answered)
