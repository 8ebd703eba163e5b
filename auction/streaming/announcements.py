"""Read-your-writes without polling: the projector says what it just made visible; requests wake on it.

After a projector's transaction commits, it publishes the keys of what the batch made readable
(bid ids of decisions, item ids of listings and closes) on one Redis pub/sub channel
(`announce_on_commit`). Each web process keeps one subscription, in a thread of its own
(`Board`), and wakes the requests waiting for those keys, whichever thread or event loop they
wait in. An announcement is a hint, never the truth: the woken request reads the database as
before. A lost one (Redis away, a subscription not yet made) only makes the waiter fall back to
looking by itself every `FALLBACK_LOOK_S` (see `auction.streaming.wait`).
"""
from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable

import redis
from django.conf import settings
from django.db import transaction

from auction.process_wide import ProcessWide

log = logging.getLogger(__name__)
CHANNEL = "auction:projected"
REMEMBERED = 50_000
"""Keys announced lately, kept so a request that starts waiting after its announcement still sees it."""
RECONNECT_S = 1.0
REDIS_TIMEOUT_S = 0.5

Keys = tuple[str, ...]
_publisher: redis.Redis | None = None


def announce(keys: Iterable[str]) -> None:
    """Publish `keys` as readable now; a failure is logged, never raised (waiters fall back to looking)."""
    keys = list(keys)
    if not keys:
        return
    global _publisher
    try:
        if _publisher is None:
            _publisher = redis.Redis.from_url(
                settings.REDIS_URL, socket_connect_timeout=REDIS_TIMEOUT_S, socket_timeout=REDIS_TIMEOUT_S
            )
        _publisher.publish(CHANNEL, json.dumps(keys))
    except redis.RedisError as error:
        log.warning("could not announce %d projected keys: %s", len(keys), error)


def announce_on_commit(keys: Iterable[str]) -> None:
    """`announce(keys)` once the current transaction commits (never if it rolls back)."""
    keys = list(keys)
    if keys:
        transaction.on_commit(lambda: announce(keys))


class Board:
    """One process's view of the announcements: who waits for which key, and what came lately."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._lock = threading.Lock()
        self._waiting: dict[str, list[Callable[[], None]]] = {}
        self._recent: OrderedDict[str, None] = OrderedDict()
        self._listener: threading.Thread | None = None
        self.subscribed = threading.Event()

    # -- the listening thread -------------------------------------------------------------------

    def start(self) -> None:
        with self._lock:
            if self._listener is None:
                self._listener = threading.Thread(target=self._listen, name="announcements", daemon=True)
                self._listener.start()

    def _listen(self) -> None:
        while True:
            client = redis.Redis.from_url(self._url, socket_connect_timeout=REDIS_TIMEOUT_S, health_check_interval=10)
            try:
                pubsub = client.pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(CHANNEL)
                while True:
                    message = pubsub.get_message(timeout=1.0)
                    self.subscribed.set()  # get_message has read the subscription's confirmation by now
                    if message is not None:
                        self.arrived(json.loads(message["data"]))
            except (redis.RedisError, OSError, ValueError) as error:
                self.subscribed.clear()
                log.warning("announcements unavailable, requests look for their results by themselves: %s", error)
                client.close()  # a new connection next time, not one more left open per outage
                time.sleep(RECONNECT_S)

    def arrived(self, keys: Iterable[str]) -> None:
        woken: list[Callable[[], None]] = []
        with self._lock:
            for key in keys:
                self._recent[key] = None
                woken.extend(self._waiting.pop(key, ()))
            while len(self._recent) > REMEMBERED:
                self._recent.popitem(last=False)
        for wake in woken:
            try:
                wake()
            except RuntimeError:  # the waiter's event loop has closed meanwhile
                pass

    # -- waiting ----------------------------------------------------------------------------------

    def _watch(self, keys: Keys, wake: Callable[[], None]) -> bool:
        """Registers `wake` for each key; True instead when one was announced already."""
        self.start()
        with self._lock:
            if any(key in self._recent for key in keys):
                return True
            for key in keys:
                self._waiting.setdefault(key, []).append(wake)
            return False

    def _unwatch(self, keys: Keys, wake: Callable[[], None]) -> None:
        with self._lock:
            for key in keys:
                waiting = self._waiting.get(key)
                if waiting and wake in waiting:
                    waiting.remove(wake)
                    if not waiting:
                        del self._waiting[key]

    async def announced(self, keys: Keys, *, timeout_s: float) -> bool:
        """Waits in the event loop, holding no thread, until one of `keys` is announced or the timeout passes."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()

        def wake() -> None:
            loop.call_soon_threadsafe(lambda: future.done() or future.set_result(True))

        if self._watch(keys, wake):
            return True
        try:
            return await asyncio.wait_for(future, timeout_s)
        except TimeoutError:
            return False
        finally:
            self._unwatch(keys, wake)

    def announced_sync(self, keys: Keys, *, timeout_s: float) -> bool:
        """The same for synchronous code: blocks this thread until the announcement or the timeout."""
        event = threading.Event()
        if self._watch(keys, event.set):
            return True
        try:
            return event.wait(timeout_s)
        finally:
            self._unwatch(keys, event.set)


board = ProcessWide(lambda: Board(settings.REDIS_URL))
"""This process's board, listening from first use."""
