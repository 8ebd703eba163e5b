"""The whole path: bids published to Kafka, decided by the bidding processor, pushed by the live
processor (a real `runprocessor live` subprocess) through Redis to sockets."""
import uuid

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async

from tests.integration.live.support import PageView, follow, list_item
from tests.support.auctions import publish_bid
from tests.integration.live.test_consumers import connected, synchronously

pytestmark = pytest.mark.django_db(transaction=True)

CLOSE_TIMEOUT_S = 20


def masked(user) -> str:
    return f"{user.username[0]}***{user.username[-1]}"


@synchronously
async def test_decisions_reach_open_pages_in_order_with_the_news_for_each_person(live_pipeline, person, session_cookie):
    seller, ana, ben = person("seller"), person("ana"), person("ben")
    title = f"Pocket watch {uuid.uuid4().hex[:6]}"
    item_id = await database_sync_to_async(list_item)(seller, title=title, ends_in_s=8)
    cookie = database_sync_to_async(session_cookie)
    watcher = await connected(f"/ws/live/items/{item_id}/")
    anas = await connected("/ws/live/browse/", await cookie(ana))
    bens = await connected(f"/ws/live/items/{item_id}/", await cookie(ben))
    sellers = await connected("/ws/live/", await cookie(seller))
    bid = sync_to_async(publish_bid)

    await bid(item_id, ana, 20_00)
    await bid(item_id, ben, 20_00)  # below the minimum: rejected, nothing to push
    await bid(item_id, ben, 25_00)

    closed = lambda view: view.seq == 3  # noqa: E731
    page = await follow(watcher, PageView(item_id), until=closed, timeout_s=CLOSE_TIMEOUT_S)
    first, second, last = page.applied
    assert (first["fields"]["price"], first["bid"]["amount"], first["fields"]["leader"]["name"]) == ("€20.00", "€20.00", masked(ana))
    assert (second["fields"]["price"], second["fields"]["bid-count"]["text"], second["fields"]["minimum-bid"]["text"]) == (
        "€25.00", "2 bids", "€26.00",
    )
    assert last["fields"]["outcome"]["text"] == f"Sold to {masked(ben)} for €25.00"

    on_browse = await follow(anas, PageView(item_id), until=closed, timeout_s=5)
    assert [card["fields"]["price"] for card in on_browse.applied] == ["€20.00", "€25.00", "€25.00"]
    assert on_browse.applied[-1]["fields"]["status"] == "closed"
    assert on_browse.leads == {1}
    assert list(on_browse.toasts.values()) == [{
        "type": "toast", "kind": "outbid", "item": item_id, "seq": 2, "url": f"/items/{item_id}/",
        "text": f"You've been outbid on “{title}”. The price is now €25.00.",
    }]

    bens_page = await follow(bens, PageView(item_id), until=lambda view: ("won", 3) in view.toasts, timeout_s=5)
    assert (bens_page.seq, bens_page.leads) == (3, {2})
    assert bens_page.toasts[("won", 3)]["text"] == f"You won “{title}” for €25.00."
    sellers_news = await follow(sellers, PageView(item_id), until=lambda view: view.toasts, timeout_s=5)
    assert [t["text"] for t in sellers_news.toasts.values()] == [f"Your listing “{title}” sold for €25.00."]
    for socket in (watcher, anas, bens, sellers):
        await socket.disconnect()
