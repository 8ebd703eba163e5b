"""Read-your-writes without polling: the projector says what it just made visible; requests wake on it.

After a projector's transaction commits, it publishes the keys of what the batch made readable
(bid ids of decisions, item ids of listings and closes) on one Redis pub/sub channel
(`announce_on_commit`), each with news of what it made readable when the projector sends some
(a JSON object of key → news or null; a bare JSON list of keys is read as keys without news).
Each web process keeps one subscription, in a thread of its own (`Board`), and wakes the
requests waiting for those keys, whichever thread or event loop they wait in, handing them the
news. A woken request either answers from the news (a bid's decision: `auction.bidding.announced`)
or reads the database as before. A lost announcement (Redis away, a subscription not yet made)
only makes the waiter fall back to looking by itself every `FALLBACK_LOOK_S` (see
`auction.streaming.wait`).
"""
from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping

import redis
from django.conf import settings
from django.db import transaction

from auction.process_wide import ProcessWide

log = logging.getLogger(__name__)
CHANNEL = "auction:projected"
REMEMBERED = 50_000
"""Keys announced lately, kept so a request that starts waiting after its announcement still sees it."""
NEWS_REMEMBERED = 5_000
"""Of those, how many keep their news (a waiter comes seconds at most after its key; news take more memory)."""
RECONNECT_S = 1.0
REDIS_TIMEOUT_S = 0.5

Keys = tuple[str, ...]
News = Mapping[str, object | None]
"""Keys announced, each with what a waiter may answer from (JSON-ready), or None."""
_publisher: redis.Redis | None = None


def _as_news(keys: Iterable[str] | News) -> dict[str, object | None]:
    news = dict(keys) if isinstance(keys, Mapping) else dict.fromkeys(keys)
    if not all(isinstance(key, str) for key in news):
        raise ValueError("announced keys are strings")
    return news


def announce(keys: Iterable[str] | News) -> None:
    """Publish `keys` (with their news, when a mapping) as readable now; a failure is logged, never raised
    (waiters fall back to looking)."""
    keys = _as_news(keys)
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


def announce_on_commit(keys: Iterable[str] | News) -> None:
    """`announce(keys)` once the current transaction commits (never if it rolls back)."""
    keys = _as_news(keys)
    if keys:
        transaction.on_commit(lambda: announce(keys))


Wake = Callable[[object | None], None]
"""Called, in the listening thread, with the news of the key that woke the waiter (or None)."""


class Board:
    """One process's view of the announcements: who waits for which key, and what came lately."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._lock = threading.Lock()
        self._waiting: dict[str, list[Wake]] = {}
        self._recent: OrderedDict[str, None] = OrderedDict()
        self._news: OrderedDict[str, object] = OrderedDict()
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
                        self._arrived_message(message["data"])
            except (redis.RedisError, OSError, ValueError) as error:
                self.subscribed.clear()
                log.warning("announcements unavailable, requests look for their results by themselves: %s", error)
                client.close()  # a new connection next time, not one more left open per outage
                time.sleep(RECONNECT_S)

    def _arrived_message(self, data: bytes) -> None:
        try:
            self.arrived(json.loads(data))
        except (ValueError, TypeError) as error:  # not an announcement: nobody to wake, and the thread listens on
            log.warning("ignored an announcement that is not a list or object of keys: %s", error)

    def arrived(self, keys: Iterable[str] | News) -> None:
        woken: list[tuple[Wake, object | None]] = []
        with self._lock:
            for key, news in _as_news(keys).items():
                self._recent[key] = None
                if news is not None:
                    self._news[key] = news
                woken.extend((wake, news) for wake in self._waiting.pop(key, ()))
            while len(self._recent) > REMEMBERED:
                self._recent.popitem(last=False)
            while len(self._news) > NEWS_REMEMBERED:
                self._news.popitem(last=False)
        for wake, news in woken:
            try:
                wake(news)
            except RuntimeError:  # the waiter's event loop has closed meanwhile
                pass

    # -- waiting ----------------------------------------------------------------------------------

    def _watch(self, keys: Keys, wake: Wake) -> tuple[bool, object | None]:
        """Registers `wake` for each key; (True, its news) instead when one was announced already."""
        self.start()
        with self._lock:
            announced = [key for key in keys if key in self._recent]
            if announced:
                return True, next((self._news[key] for key in announced if key in self._news), None)
            for key in keys:
                self._waiting.setdefault(key, []).append(wake)
            return False, None

    def _unwatch(self, keys: Keys, wake: Wake) -> None:
        with self._lock:
            for key in keys:
                waiting = self._waiting.get(key)
                if waiting and wake in waiting:
                    waiting.remove(wake)
                    if not waiting:
                        del self._waiting[key]

    async def announced(self, keys: Keys, *, timeout_s: float) -> bool:
        """Waits in the event loop, holding no thread, until one of `keys` is announced or the timeout passes."""
        announced, _ = await self.news(keys, timeout_s=timeout_s)
        return announced

    async def news(self, keys: Keys, *, timeout_s: float) -> tuple[bool, object | None]:
        """`announced`, with the news that came with the key: (False, None) after the timeout."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()

        def wake(news: object | None) -> None:
            loop.call_soon_threadsafe(lambda: future.done() or future.set_result(news))

        announced, news = self._watch(keys, wake)
        if announced:
            return True, news
        try:
            return True, await asyncio.wait_for(future, timeout_s)
        except TimeoutError:
            return False, None
        finally:
            self._unwatch(keys, wake)

    def announced_sync(self, keys: Keys, *, timeout_s: float) -> bool:
        """The same for synchronous code: blocks this thread until the announcement or the timeout."""
        event = threading.Event()

        def wake(news: object | None) -> None:
            event.set()

        if self._watch(keys, wake)[0]:
            return True
        try:
            return event.wait(timeout_s)
        finally:
            self._unwatch(keys, wake)


board = ProcessWide(lambda: Board(settings.REDIS_URL))
"""This process's board, listening from first use."""
