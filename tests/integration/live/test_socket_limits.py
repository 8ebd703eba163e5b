"""What one visitor may hold open, with Channels' `WebsocketCommunicator` over the real Redis channel layer:
sockets per client address, items per socket, and only items that exist (no group is joined for
another)."""
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from auction.asgi import application
from auction.catalog.models import Item
from auction.live.groups import item_group
from auction.live.limits import CLOSE_TOO_MANY_CONNECTIONS, CLOSE_UNKNOWN_ITEM, OPEN_SOCKETS
from auction.live.messages import Push
from auction.live.push import pusher
from tests.integration.live.conftest import ORIGIN
from tests.integration.live.test_consumers import TIMEOUT_S, synchronously

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def items(person):
    """Factory: open items in the read model."""
    seller = person("seller")

    def make(count: int) -> list[uuid.UUID]:
        now = datetime.now(timezone.utc)
        return [
            Item.objects.create(
                id=uuid.uuid4(), seller_id=seller.pk, seller_name=seller.username, title="Brass telescope", category="home",
                currency="EUR", starting_price=20_00, starts_at=now - timedelta(hours=1),
                original_ends_at=now + timedelta(hours=1), ends_at=now + timedelta(hours=1),
            ).pk
            for _ in range(count)
        ]

    return make


def _socket(path: str, address: str = "198.51.100.7") -> WebsocketCommunicator:
    socket = WebsocketCommunicator(application, path, headers=[ORIGIN])
    socket.scope["client"] = (address, 50000)  # the application starts on the first message, with this scope
    return socket


async def _open(path: str, address: str = "198.51.100.7") -> WebsocketCommunicator:
    socket = _socket(path, address)
    accepted, _ = await socket.connect(timeout=TIMEOUT_S)
    assert accepted
    return socket


def _address() -> str:
    """An address no other test's sockets come from."""
    return f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"


@synchronously
async def test_sockets_from_one_address_are_capped_and_the_one_over_is_closed_saying_why(settings):
    settings.LIVE_MAX_CONNECTIONS_PER_ADDRESS = 3
    crowded, other = _address(), _address()
    admitted = [await _open("/ws/live/browse/", crowded) for _ in range(3)]

    over = _socket("/ws/live/browse/", crowded)
    await over.connect(timeout=TIMEOUT_S)
    closed = await over.receive_output(TIMEOUT_S)
    elsewhere = await _open("/ws/live/browse/", other)

    assert (closed["type"], closed["code"]) == ("websocket.close", CLOSE_TOO_MANY_CONNECTIONS)
    assert closed["reason"] == "Too many live connections from your address (at most 3)."
    assert OPEN_SOCKETS.open_from(crowded) == 3, "the refused socket was never counted"

    await admitted[0].disconnect()
    again = await _open("/ws/live/browse/", crowded)
    pusher.push([Push("browse", {"n": "still served"})])
    assert await again.receive_json_from(TIMEOUT_S) == {"n": "still served"}, "a closed socket makes room"
    for socket in (*admitted[1:], again, elsewhere):
        await socket.disconnect()
    assert OPEN_SOCKETS.open_from(crowded) == 0


@synchronously
async def test_an_unknown_item_in_the_url_is_told_and_closed_without_joining_its_group():
    unknown = uuid.uuid4()
    socket = _socket(f"/ws/live/items/{unknown}/", _address())

    accepted, _ = await socket.connect(timeout=TIMEOUT_S)
    told = await socket.receive_json_from(TIMEOUT_S)
    closed = await socket.receive_output(TIMEOUT_S)

    assert accepted
    assert told == {"type": "error", "code": "unknown_item", "message": "There is no item with this id.", "item": str(unknown)}
    assert (closed["type"], closed["code"]) == ("websocket.close", CLOSE_UNKNOWN_ITEM)


@synchronously
async def test_a_page_follows_more_items_that_exist_and_stops_when_it_asks(items):
    page_item, other = await database_sync_to_async(items)(2)
    unknown = uuid.uuid4()
    socket = await _open(f"/ws/live/items/{page_item}/", _address())

    await socket.send_json_to({"type": "subscribe", "item": str(unknown)})
    assert await socket.receive_json_from(TIMEOUT_S) == {
        "type": "error", "code": "unknown_item", "message": "There is no item with this id.", "item": str(unknown)
    }
    await socket.send_json_to({"type": "subscribe", "item": str(other)})
    assert await socket.receive_json_from(TIMEOUT_S) == {"type": "subscribed", "item": str(other)}

    pusher.push([Push(item_group(unknown), {"n": "unknown"}), Push(item_group(other), {"n": "other"})])
    assert await socket.receive_json_from(TIMEOUT_S) == {"n": "other"}, "the followed item's news, not the unknown one's"

    await socket.send_json_to({"type": "unsubscribe", "item": str(other)})
    assert await socket.receive_json_from(TIMEOUT_S) == {"type": "unsubscribed", "item": str(other)}
    pusher.push([Push(item_group(other), {"n": "other again"}), Push(item_group(page_item), {"n": "page item"})])
    assert await socket.receive_json_from(TIMEOUT_S) == {"n": "page item"}
    assert await socket.receive_nothing(0.3)
    await socket.disconnect()


@synchronously
async def test_a_socket_follows_at_most_its_share_of_items(items, settings):
    settings.LIVE_MAX_SUBSCRIPTIONS = 2
    page_item, second, third = await database_sync_to_async(items)(3)
    socket = await _open(f"/ws/live/items/{page_item}/", _address())

    await socket.send_json_to({"type": "subscribe", "item": str(second)})
    assert (await socket.receive_json_from(TIMEOUT_S))["type"] == "subscribed"
    await socket.send_json_to({"type": "subscribe", "item": str(third)})
    refused = await socket.receive_json_from(TIMEOUT_S)

    assert refused == {
        "type": "error", "code": "too_many_subscriptions",
        "message": "A page follows at most 2 items over one connection.", "item": str(third),
    }
    pusher.push([Push(item_group(third), {"n": "third"}), Push(item_group(second), {"n": "second"})])
    assert await socket.receive_json_from(TIMEOUT_S) == {"n": "second"}, "no group was joined for the refused one"
    await socket.disconnect()


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        ("not json", "A request is a JSON object."),
        ('{"type": "shout", "item": "x"}', 'A request is {"type": "subscribe" or "unsubscribe", "item": "<item id>"}.'),
        ('{"type": "subscribe", "item": "../../admin"}', "“item” must be an item id."),
        ('{"type": "subscribe", "item": "' + "a" * 600 + '"}', "A request is at most 512 bytes."),
        (b"\x00\x01", "Send requests as JSON text."),
    ],
)
@synchronously
async def test_anything_else_a_page_sends_is_answered_with_an_error_and_changes_nothing(items, frame, message):
    [item] = await database_sync_to_async(items)(1)
    socket = await _open("/ws/live/browse/", _address())

    if isinstance(frame, bytes):
        await socket.send_to(bytes_data=frame)
    else:
        await socket.send_to(text_data=frame)

    assert await socket.receive_json_from(TIMEOUT_S) == {"type": "error", "code": "bad_request", "message": message}
    await socket.send_json_to({"type": "subscribe", "item": str(item)})
    assert await socket.receive_json_from(TIMEOUT_S) == {"type": "subscribed", "item": str(item)}, "the socket carries on"
    await socket.disconnect()
