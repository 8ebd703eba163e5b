"""The push path: live messages into channel-layer groups, in order, at most once.

This is the only code outside the Channels consumers that talks to the channel layer. The
live processor must never wait on Redis, so `Pusher.push` only queues; one coroutine on a private
event loop sends the queue in order. A batch's messages go out as one channel-layer message per
group, each group's in order (groups in the order they first appear), and a batch's messages go to
Redis in one pipelined round trip (`group_publish`) rather than one per group. Each message is serialized once, whatever
the number of sockets it reaches. Nothing here raises for the transport: when the queue is full or Redis is away messages
are dropped and logged, because browsers recover from the item's sequence numbers and snapshots
(docs/explanation/live.md).
"""
import asyncio
import json
import logging
import threading
from collections.abc import Iterable

from channels.layers import get_channel_layer

from auction.live.group_publish import group_send_many
from auction.live.messages import Push

log = logging.getLogger(__name__)

MESSAGE_TYPE = "live.push"
"""The channel-layer message type of pushes: `{"type": MESSAGE_TYPE, "texts": [JSON text, …]}`,
which `LiveConsumer.dispatch` passes on as websocket frames, one per text."""
QUEUE_SIZE = 10_000
SEND_TIMEOUT_S = 2.0


def layer_messages(pushes: Iterable[Push]) -> list[tuple[str, dict]]:
    """One channel-layer message per group, its texts in order, groups in order of first appearance."""
    texts: dict[str, list[str]] = {}
    for push in pushes:
        texts.setdefault(push.group, []).append(json.dumps(push.message, separators=(",", ":"), ensure_ascii=False))
    return [(group, {"type": MESSAGE_TYPE, "texts": group_texts}) for group, group_texts in texts.items()]


class Pusher:
    def __init__(self) -> None:
        self._layer = None
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._queue: asyncio.Queue | None = None
        self._failing = False

    def push(self, pushes: Iterable[Push]) -> None:
        """Queue messages for sending; returns at once."""
        messages = layer_messages(pushes)
        if messages:
            self._started().call_soon_threadsafe(self._enqueue, messages)

    def _started(self) -> asyncio.AbstractEventLoop:
        """The sending loop, started on first use so that importing the processor starts no thread."""
        with self._lock:
            if self._loop is None:
                self._layer = get_channel_layer()
                self._queue = asyncio.Queue(QUEUE_SIZE)
                self._loop = asyncio.new_event_loop()
                threading.Thread(target=self._run, name="live-push", daemon=True).start()
            return self._loop

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._send_forever())

    def _enqueue(self, messages: list[tuple[str, dict]]) -> None:
        try:
            self._queue.put_nowait(messages)
        except asyncio.QueueFull:
            self._trouble("the push queue is full; a batch was dropped")

    async def _send_forever(self) -> None:
        while True:
            messages = await self._queue.get()
            try:
                await asyncio.wait_for(group_send_many(self._layer, messages), SEND_TIMEOUT_S)
            except Exception as error:  # Redis away or slow: the batch is lost, browsers resync
                self._trouble(f"pushing to {len(messages)} groups failed: {type(error).__name__}: {error}")
            else:
                self._recovered()

    def _trouble(self, what: str) -> None:
        """Logged once per outage rather than per message, which could be thousands a second."""
        if not self._failing:
            self._failing = True
            log.warning("live pushes are being dropped: %s", what)

    def _recovered(self) -> None:
        if self._failing:
            self._failing = False
            log.info("live pushes are going out again")


pusher = Pusher()
"""The process's pusher (one sending loop per process)."""
