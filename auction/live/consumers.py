"""The websocket end of live updates: one socket per page, joined to the groups the page needs.

The URL names the page's public stream (an item, or the browse feed); the visitor's own group is
added from the session, never from anything the browser sends, so a person's channel reaches
only that person. Browsers only listen: what they send is ignored. Messages arrive serialized
(see `push`) and are passed on as they are.
"""
from channels.generic.websocket import AsyncWebsocketConsumer

from auction.live.groups import subscriptions
from auction.live.push import MESSAGE_TYPE


class LiveConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        route = self.scope["url_route"]["kwargs"]
        user = self.scope["user"]
        self.subscriptions = subscriptions(
            item_id=route.get("item_id"),
            feed=route.get("feed"),
            person_id=user.pk if user.is_authenticated else None,
        )
        for group in self.subscriptions:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "subscriptions", ()):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def dispatch(self, message: dict) -> None:
        """Pushes skip Channels' per-message database cleanup (a thread hop each): they touch no
        database, and with a thousand sockets on one item those hops were most of a push's cost."""
        if message["type"] == MESSAGE_TYPE:
            for text in message["texts"]:
                await self.send(text_data=text)
        else:
            await super().dispatch(message)
