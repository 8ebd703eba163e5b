"""The websocket end, with Channels' `WebsocketCommunicator` over the real Redis channel layer:
who joins which group, what a pushed decision looks like on the wire, that public messages carry
nothing private, that a person's channel reaches only that person, and that foreign pages are refused."""
import functools
import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections

from auction.asgi import application
from auction.catalog.models import Item
from auction.live.groups import BROWSE, item_group, person_group
from auction.live.messages import Push
from auction.live.push import pusher
from auction.live.processor import handle, processor
from streams.events import AuctionState, BidAccepted, decode, encode
from streams.money import Money
from streams.runtime.context import Context
from streams.runtime.processor import Record
from tests.integration.live.conftest import ORIGIN

pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT_S = 5


def synchronously(test):
    """Run an async test to completion in a thread of its own, as a sync caller of async code.

    Not in the test's thread: once a Playwright test ran there, that thread counts as having an
    event loop. The ORM calls the test makes through `database_sync_to_async` run in that thread,
    whose connections are closed at the end so they do not outlive the test."""

    def in_thread(args, kwargs):
        try:
            return async_to_sync(test)(*args, **kwargs)
        finally:
            connections.close_all()

    @functools.wraps(test)
    def run(*args, **kwargs):
        with ThreadPoolExecutor(max_workers=1) as executor:
            return executor.submit(in_thread, args, kwargs).result()

    return run


async def connected(path: str, *headers: tuple[bytes, bytes]) -> WebsocketCommunicator:
    socket = WebsocketCommunicator(application, path, headers=[ORIGIN, *headers])
    accepted, _ = await socket.connect(timeout=TIMEOUT_S)
    assert accepted, f"{path} refused the connection"
    return socket


@synchronously
async def test_an_item_page_hears_its_item_and_its_visitor_and_nothing_else(person, session_cookie, telescope):
    ana, ben = person("ana"), person("ben")
    item, other_item = telescope.pk, uuid.uuid4()
    socket = await connected(f"/ws/live/items/{item}/", await database_sync_to_async(session_cookie)(ana))

    pusher.push([
        Push(item_group(other_item), {"n": "other item"}),
        Push(BROWSE, {"n": "browse"}),
        Push(person_group(ben.pk), {"n": "ben"}),
        Push(item_group(item), {"n": "item"}),
        Push(person_group(ana.pk), {"n": "ana"}),
    ])

    assert await socket.receive_json_from(TIMEOUT_S) == {"n": "item"}, "messages come in order, others' not at all"
    assert await socket.receive_json_from(TIMEOUT_S) == {"n": "ana"}
    assert await socket.receive_nothing(0.3)
    await socket.disconnect()


@synchronously
async def test_batches_sent_in_one_round_trip_keep_every_groups_order(person, session_cookie, telescope):
    ana = person("ana")
    socket = await connected(f"/ws/live/items/{telescope.pk}/", await database_sync_to_async(session_cookie)(ana))

    pusher.push([Push(item_group(telescope.pk), {"n": 1}), Push(BROWSE, {"n": "browse"}), Push(item_group(telescope.pk), {"n": 2})])
    pusher.push([Push(person_group(ana.pk), {"n": 3}), Push(item_group(telescope.pk), {"n": 4})])

    assert [await socket.receive_json_from(TIMEOUT_S) for _ in range(4)] == [{"n": 1}, {"n": 2}, {"n": 3}, {"n": 4}]
    await socket.disconnect()


@synchronously
async def test_a_browse_page_hears_the_feed_and_an_anonymous_visitor_no_person():
    ana_id = 10**9 + 7
    socket = await connected("/ws/live/browse/")

    pusher.push([Push(person_group(ana_id), {"n": "ana"}), Push(item_group(uuid.uuid4()), {"n": "item"}), Push(BROWSE, {"n": "browse"})])

    assert await socket.receive_json_from(TIMEOUT_S) == {"n": "browse"}
    assert await socket.receive_nothing(0.3)
    await socket.disconnect()


@synchronously
async def test_a_persons_channel_reaches_only_that_person_wherever_they_are(person, session_cookie):
    ana, ben = person("ana"), person("ben")
    cookie = database_sync_to_async(session_cookie)
    anas_other_page = await connected("/ws/live/", await cookie(ana))
    anas_browse_page = await connected("/ws/live/browse/", await cookie(ana))
    bens_page = await connected("/ws/live/", await cookie(ben))
    anonymous = await connected(f"/ws/live/?person={ana.pk}")

    pusher.push([Push(person_group(ana.pk), {"type": "toast", "text": "for ana"})])

    assert await anas_other_page.receive_json_from(TIMEOUT_S) == {"type": "toast", "text": "for ana"}
    assert await anas_browse_page.receive_json_from(TIMEOUT_S) == {"type": "toast", "text": "for ana"}
    assert await bens_page.receive_nothing(0.3)
    assert await anonymous.receive_nothing(0.1), "the group comes from the session, never from the URL"
    for socket in (anas_other_page, anas_browse_page, bens_page, anonymous):
        await socket.disconnect()


@synchronously
async def test_the_analytics_socket_hears_only_that_figures_changed(person, session_cookie):
    from auction.analytics.processor import CHANGED, announcer

    ana = person("ana")
    socket = await connected("/ws/live/analytics/", await database_sync_to_async(session_cookie)(ana))

    pusher.push([Push(person_group(ana.pk), {"n": "ana"}), Push(BROWSE, {"n": "browse"})])
    announcer.changed()  # what the analytics processor does after a batch it stored

    assert await socket.receive_json_from(TIMEOUT_S) == CHANGED == {"type": "analytics"}
    assert await socket.receive_nothing(0.3), "toasts reach the person through the page's own socket"
    await socket.disconnect()


@pytest.mark.parametrize("origin", [b"http://evil.example", b"null", None])
@synchronously
async def test_sockets_from_other_sites_are_refused(origin):
    headers = [(b"origin", origin)] if origin else []
    socket = WebsocketCommunicator(application, f"/ws/live/items/{uuid.uuid4()}/", headers=headers)

    accepted, _ = await socket.connect(timeout=TIMEOUT_S)
    await socket.disconnect()

    assert not accepted


@database_sync_to_async
def live_processor_takes(record: Record) -> None:
    """What the runtime does with a record and then its batch: the handler's messages go to the sink."""
    processor.sink.commit(handle(record, Context("live", time.time)), {})


def _record(event, *, age_s: float = 0.0) -> Record:
    """A bid history record as the live processor's runtime hands it over (encoded and decoded for real)."""
    encoded = encode(event, source="/auction/bidding")
    return Record(
        "auction.bids.history", 0, 0, int((time.time() - age_s) * 1000), encoded.key,
        decode(encoded.headers, encoded.key, encoded.value), encoded.headers,
    )


@pytest.fixture
def telescope(person) -> Item:
    """An open item with a reserve, in the read model."""
    seller, now = person("seller"), datetime.now(timezone.utc)
    return Item.objects.create(
        id=uuid.uuid4(), seller_id=seller.pk, seller_name=seller.username, title="Brass telescope", category="home",
        currency="EUR", starting_price=20_00, reserve_price=50_00, starts_at=now - timedelta(hours=1),
        original_ends_at=now + timedelta(hours=1), ends_at=now + timedelta(hours=1), reserve_met=False,
    )


def _accepted(item: Item, bidder, previous, *, seq: int) -> BidAccepted:
    return BidAccepted(
        bid_id=str(uuid.uuid4()), item_id=str(item.pk), bidder_id=bidder.pk, bidder_name=bidder.username,
        amount=Money(minor=30_00), previous_leader_id=previous.pk,
        state=AuctionState(
            price=Money(minor=30_00), leader_id=bidder.pk, leader_name=bidder.username, bid_count=2,
            reserve_met=False, ends_at=item.ends_at, buy_now_available=False, seq=seq,
        ),
        decided_at=datetime.now(timezone.utc),
    )


@synchronously
async def test_a_decision_reaches_sockets_formatted_and_without_private_data(person, session_cookie, telescope):
    item, ana, ben = telescope, person("ana"), person("ben")
    cookie = database_sync_to_async(session_cookie)
    public = await connected(f"/ws/live/items/{item.pk}/")
    cards = await connected("/ws/live/browse/")
    bens_page = await connected(f"/ws/live/items/{item.pk}/", await cookie(ben))
    anas_page = await connected("/ws/live/", await cookie(ana))

    await live_processor_takes(_record(_accepted(item, ben, ana, seq=2)))

    text = (await public.receive_output(TIMEOUT_S))["text"]
    message = json.loads(text)
    assert (message["type"], message["item"], message["seq"]) == ("item", str(item.pk), 2)
    assert message["fields"]["price"] == "€30.00" and message["fields"]["minimum-bid"]["text"] == "€31.00"
    assert message["fields"]["leader"] == {"name": f"{ben.username[0]}***{ben.username[-1]}", "you": False}
    assert message["fields"]["reserve"] == {"met": False, "text": "Reserve not met"}
    assert message["bid"]["bidder"] == message["fields"]["leader"]["name"] and message["bid"]["amount"] == "€30.00"
    for private in (ben.username, ana.username, item.seller_name, str(ben.pk), str(ana.pk), "50.00", "5000", "@example"):
        assert private not in text
    card = await cards.receive_json_from(TIMEOUT_S)
    while card["item"] != str(item.pk):  # the browse feed is everyone's: skip other runs' items
        card = await cards.receive_json_from(TIMEOUT_S)
    assert (card["seq"], card["fields"]["price"], card["fields"]["bid-count"]["text"]) == (2, "€30.00", "2 bids")
    assert await bens_page.receive_json_from(TIMEOUT_S) == {"type": "lead", "item": str(item.pk), "seq": 2}
    assert (await bens_page.receive_json_from(TIMEOUT_S))["seq"] == 2
    toast = await anas_page.receive_json_from(TIMEOUT_S)
    assert (toast["type"], toast["kind"], toast["text"]) == (
        "toast", "outbid", "You've been outbid on “Brass telescope”. The price is now €30.00."
    )
    for socket in (public, cards, bens_page, anas_page):
        await socket.disconnect()


@synchronously
async def test_a_decision_from_long_ago_is_not_pushed(person, settings, telescope):
    item, ana, ben = telescope, person("ana"), person("ben")
    socket = await connected(f"/ws/live/items/{item.pk}/")

    await live_processor_takes(_record(_accepted(item, ben, ana, seq=2), age_s=settings.LIVE_STALE_SECONDS + 5))
    await live_processor_takes(_record(_accepted(item, ana, ben, seq=3)))

    assert (await socket.receive_json_from(TIMEOUT_S))["seq"] == 3, "only the fresh decision went out"
    await socket.disconnect()
