"""A channel-layer subscriber: every live message pushed to some groups, with when it arrived.

It listens on the groups' Redis pub/sub channels itself (as `RedisPubSubChannelLayer` names them)
and decodes the layer's messages with the layer's own serializer, so it hears exactly what the web
processes' sockets would be sent, without a web server.
"""
from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

import redis

CHANNEL_PREFIX = "asgi__group__"


@dataclass(frozen=True)
class Heard:
    at: float
    """monotonic time it arrived."""
    group: str
    message: dict


class Tap(threading.Thread):
    def __init__(self, redis_url: str, groups: Iterable[str]) -> None:
        super().__init__(name="live-tap", daemon=True)
        self.redis_url, self.groups = redis_url, list(groups)
        self.heard: list[Heard] = []
        self.subscribed = threading.Event()
        self._halt = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        from channels.layers import get_channel_layer

        layer = get_channel_layer()
        client = redis.Redis.from_url(self.redis_url)
        pubsub = client.pubsub()
        try:
            pending = {CHANNEL_PREFIX + group for group in self.groups}
            pubsub.subscribe(*pending)
            deadline = time.monotonic() + 30
            while not self._halt.is_set():
                message = pubsub.get_message(timeout=0.1)
                if message is None:
                    if pending and time.monotonic() > deadline:
                        raise TimeoutError(f"{len(pending)} subscriptions not confirmed")
                    continue
                channel = message["channel"].decode()
                if message["type"] == "subscribe":
                    pending.discard(channel)
                    if not pending:
                        self.subscribed.set()  # from here on nothing pushed to the groups is missed
                elif message["type"] == "message":
                    at, group = time.monotonic(), channel[len(CHANNEL_PREFIX):]
                    for text in layer.deserialize(message["data"])["texts"]:
                        self.heard.append(Heard(at, group, json.loads(text)))
        except BaseException as error:  # surfaced by `stop`
            self.error = error
        finally:
            self.subscribed.set()
            pubsub.close()
            client.close()

    def wait_subscribed(self) -> None:
        self.subscribed.wait(60)
        if self.error is not None:
            raise self.error

    def stop(self) -> list[Heard]:
        self._halt.set()
        self.join(timeout=10)
        if self.error is not None:
            raise self.error
        return list(self.heard)
