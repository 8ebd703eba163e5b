"""The websocket end of live updates: one socket per page, joined to the groups the page needs.

The URL names the page's public stream (an item, or the browse feed); the visitor's own group is
added from the session, never from anything the browser sends, so a person's channel reaches
only that person. A page may also follow more items by asking over its socket (`page_requests`).
Messages arrive serialized (see `push`) and are passed on as they are.

Bounds (`limits`): sockets per client address (over the cap the socket is closed with
`CLOSE_TOO_MANY_CONNECTIONS` and a reason), items per socket, and only items that exist: an
unknown item in the URL is answered with an error message and the socket closed with
`CLOSE_UNKNOWN_ITEM`, an unknown item asked for is answered with an error; no group is joined
for either.
"""
import json
import logging
import uuid

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from auction.live import page_requests
from auction.live.groups import item_group, subscriptions
from auction.live.limits import (
    CLOSE_TOO_MANY_CONNECTIONS,
    CLOSE_UNKNOWN_ITEM,
    OPEN_SOCKETS,
    client_address,
    too_many_connections_reason,
)
from auction.live.push import MESSAGE_TYPE
from auction.live.selectors import item_exists

log = logging.getLogger(__name__)

_item_exists = database_sync_to_async(lambda item_id: item_exists(item_id=item_id))
CLOSE_UNAVAILABLE = 1011
UNAVAILABLE = "Live updates cannot look items up right now; try again in a moment."


async def _exists(item_id: uuid.UUID) -> bool | None:
    """Whether the item exists; None when the database cannot say (the socket carries on, or closes)."""
    try:
        return await _item_exists(item_id)
    except Exception:
        log.warning("live: could not look up item %s", item_id, exc_info=True)
        return None


class LiveConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        self.subscriptions: list[str] = []
        self.followed: set[uuid.UUID] = set()
        self.address = client_address(self.scope)
        self.admitted = OPEN_SOCKETS.admit(self.address, settings.LIVE_MAX_CONNECTIONS_PER_ADDRESS)
        if not self.admitted:
            await self.accept()  # accepted first, so the browser is told the code and why
            await self.close(code=CLOSE_TOO_MANY_CONNECTIONS, reason=too_many_connections_reason(settings.LIVE_MAX_CONNECTIONS_PER_ADDRESS))
            return
        try:
            await self._open()
        except BaseException:  # the socket dies without a disconnect: its place is given back here
            self._release()
            raise

    async def _open(self) -> None:
        route = self.scope["url_route"]["kwargs"]
        item_id = route.get("item_id")
        exists = True if item_id is None else await _exists(item_id)
        if not exists:
            await self.accept()
            if exists is None:
                await self._send_json(page_requests.error("unavailable", UNAVAILABLE))
                await self.close(code=CLOSE_UNAVAILABLE, reason=UNAVAILABLE)
            else:
                await self._send_json(page_requests.error("unknown_item", page_requests.UNKNOWN_ITEM, item=str(item_id)))
                await self.close(code=CLOSE_UNKNOWN_ITEM, reason=page_requests.UNKNOWN_ITEM)
            return
        user = self.scope["user"]
        for group in subscriptions(
            item_id=item_id, feed=route.get("feed"), person_id=user.pk if user.is_authenticated else None
        ):
            await self._join(group)
        if item_id is not None:
            self.followed.add(item_id)
        await self.accept()

    def _release(self) -> None:
        if getattr(self, "admitted", False):
            OPEN_SOCKETS.release(self.address)
            self.admitted = False

    async def disconnect(self, code: int) -> None:
        self._release()
        for group in getattr(self, "subscriptions", ()):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        """A page's request to follow an item, or to stop following one."""
        try:
            request = page_requests.parse_request(text_data)
        except page_requests.BadRequest as problem:
            await self._send_json(page_requests.error("bad_request", str(problem)))
            return
        item = str(request.item_id)
        if not request.follow:
            if request.item_id in self.followed:
                self.followed.discard(request.item_id)
                await self._leave(item_group(request.item_id))
            await self._send_json({"type": "unsubscribed", "item": item})
        elif request.item_id in self.followed:
            await self._send_json({"type": "subscribed", "item": item})
        elif len(self.followed) >= settings.LIVE_MAX_SUBSCRIPTIONS:
            limit = settings.LIVE_MAX_SUBSCRIPTIONS
            await self._send_json(page_requests.error("too_many_subscriptions", page_requests.too_many_subscriptions(limit), item=item))
        elif not (exists := await _exists(request.item_id)):
            problem = ("unknown_item", page_requests.UNKNOWN_ITEM) if exists is False else ("unavailable", UNAVAILABLE)
            await self._send_json(page_requests.error(*problem, item=item))
        else:
            self.followed.add(request.item_id)
            await self._join(item_group(request.item_id))
            await self._send_json({"type": "subscribed", "item": item})

    async def _join(self, group: str) -> None:
        await self.channel_layer.group_add(group, self.channel_name)
        self.subscriptions.append(group)

    async def _leave(self, group: str) -> None:
        await self.channel_layer.group_discard(group, self.channel_name)
        self.subscriptions.remove(group)

    async def _send_json(self, message: dict) -> None:
        await self.send(text_data=json.dumps(message))

    async def dispatch(self, message: dict) -> None:
        """Pushes skip Channels' per-message database cleanup (a thread hop each): they touch no
        database, and with a thousand sockets on one item those hops were most of a push's cost."""
        if message["type"] == MESSAGE_TYPE:
            for text in message["texts"]:
                await self.send(text_data=text)
        else:
            await super().dispatch(message)
