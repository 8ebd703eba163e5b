"""Websocket routes of live updates (mounted in `auction.asgi`)."""
from django.urls import path

from auction.live.consumers import LiveConsumer
from auction.live.groups import ANALYTICS, BROWSE

websocket_urlpatterns = [
    path("ws/live/", LiveConsumer.as_asgi()),
    path("ws/live/browse/", LiveConsumer.as_asgi(), {"feed": BROWSE}),
    path("ws/live/analytics/", LiveConsumer.as_asgi(), {"feed": ANALYTICS}),
    path("ws/live/items/<uuid:item_id>/", LiveConsumer.as_asgi()),
]
