"""List → bid through the API → the auction closes on time → the right `AuctionClosed` and read models."""
from datetime import timedelta

import httpx
import pytest

from auction.bidding.models import Bid
from auction.catalog.models import Item
from auction.loadgen.client import Api
from streams.events import AuctionClosed, BidPlaced, ItemListed
from tests.integration.coreflow.api import listed_item, run_async
from tests.integration.coreflow.eventlog import committed_events, end_offsets, of_type
from tests.integration.coreflow.replay import Replay, without_time
from tests.support.waiting import eventually

pytestmark = pytest.mark.django_db(transaction=True)

DURATION_S = 10
ON_TIME = timedelta(seconds=2)
"""The bidding processor's timer fires within a poll of the end; the projection follows at once."""
TOPICS = ("auction.items", "auction.bids", "auction.items.complete")


async def _auction(site: str, seller: str, ann: str, ben: str) -> tuple[dict, list[tuple[int, dict]]]:
    async with httpx.AsyncClient(base_url=site, timeout=30) as http:
        listing = {
            "title": "Brass sextant", "description": "Still finds the sun.", "category": "collectibles",
            "location": "Brest", "starting_price": "10.00", "reserve_price": "25.00", "duration_seconds": DURATION_S,
        }
        item = await listed_item(Api(http, seller), listing)
        bids = [
            (Api(http, ann), "10.00", "30.00"),  # leads at the reserve: her maximum covers it
            (Api(http, ben), "27.00", None),  # accepted, but ann's proxy answers it
            (Api(http, ben), "35.00", None),  # takes the lead
            (Api(http, ann), "20.00", None),  # below the minimum by now
        ]
        replies = [(await api.bid(item["id"], amount, maximum))[:2] for api, amount, maximum in bids]
        return item, replies


def test_an_auction_closes_on_time_and_sells_to_the_highest_bidder(site, person, kafka_bootstrap):
    since = end_offsets(kafka_bootstrap, TOPICS)
    seller, ann, ben = person("seller"), person("ann"), person("ben")

    item, replies = run_async(_auction(site, seller.token, ann.token, ben.token))

    assert [(status, reply["status"], reply["leading"]) for status, reply in replies] == [
        (200, "accepted", True), (200, "accepted", False), (200, "accepted", True), (200, "rejected", None),
    ]
    assert replies[3][1]["minimum"] == "36.00"
    item_id = item["id"]
    closed = eventually(
        lambda: Item.objects.filter(pk=item_id, status=Item.Status.CLOSED).first(),
        timeout_s=DURATION_S + 30, what="the auction to close",
    )
    [listed] = of_type(committed_events(kafka_bootstrap, "auction.items", keys=[item_id], since=since), ItemListed)
    placed = of_type(committed_events(kafka_bootstrap, "auction.bids", keys=[item_id], since=since), BidPlaced)
    closes = of_type(committed_events(kafka_bootstrap, "auction.items.complete", keys=[item_id], since=since), AuctionClosed)
    expected = Replay.of(listed, placed).closed(closed.closed_at)

    assert closes and {repr(without_time(close)) for close in closes} == {repr(without_time(expected))}
    assert (expected.outcome, expected.winner_id, expected.final_price.minor) == ("sold", ben.user.pk, 35_00)
    assert closed.ends_at <= closed.closed_at <= closed.ends_at + ON_TIME
    assert (closed.outcome, closed.winner_id, closed.winner_name) == ("sold", ben.user.pk, ben.user.username)
    assert (closed.final_price, closed.current_price, closed.bid_count, closed.seq) == (35_00, 35_00, 3, expected.seq)
    assert (closed.reserve_met, closed.buy_now_available) == (True, False)
    decisions = Bid.objects.filter(item_id=item_id).order_by("seq", "decided_at")
    assert [(bid.bidder_id, bid.status, bid.price_after) for bid in decisions] == [
        (ann.user.pk, "accepted", 25_00),
        (ben.user.pk, "accepted", 28_00),
        (ben.user.pk, "accepted", 35_00),
        (ann.user.pk, "rejected", None),
    ]
