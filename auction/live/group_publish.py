"""A batch of group messages into Redis in one round trip: pipelined PUBLISHes on the channel layer's own connection.

`channels_redis`' pub/sub layer sends each `group_send` as its own PUBLISH and waits for its reply,
under a per-connection lock, so a batch of N groups took N round trips in a row (under load, most
of the push path's time). Here the batch's PUBLISHes go out as one pipeline (no MULTI: nothing
here needs them atomic) on each shard's connection, taken under the same lock. Redis runs a
connection's commands in order, and pub/sub delivers in the order published, so each group's
messages still arrive in order.

This reaches into `channels_redis.pubsub` (pinned in requirements.lock): the group's Redis channel
name, its shard and the shard's connection and lock. A layer that is not that one (or a version
that changed any of them) gets the plain `group_send`, one group after another.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence


SHARD_NEEDS = ("_lock", "_ensure_redis")
"""What a shard connection must have for its pipeline (`_redis` is what `_ensure_redis` sets)."""


def _loop_layer(layer):
    """The pub/sub layer's per-event-loop half, which holds the shards; None for any other layer."""
    get = getattr(layer, "_get_layer", None)
    loop_layer = get() if callable(get) else None
    needed = ("_get_group_channel_name", "_get_shard")
    return loop_layer if loop_layer is not None and all(hasattr(loop_layer, name) for name in needed) else None


async def group_send_many(layer, messages: Sequence[tuple[str, dict]]) -> None:
    """Send each `(group, message)`, in order; raises what Redis raises (nothing is retried)."""
    loop_layer = _loop_layer(layer)
    by_shard: dict = defaultdict(list)
    if loop_layer is not None:
        for group, message in messages:
            channel = loop_layer._get_group_channel_name(group)
            by_shard[loop_layer._get_shard(channel)].append((channel, layer.serialize(message)))
    if loop_layer is None or not all(hasattr(shard, name) for shard in by_shard for name in SHARD_NEEDS):
        for group, message in messages:
            await layer.group_send(group, message)
        return
    for shard, published in by_shard.items():
        async with shard._lock:
            shard._ensure_redis()
            pipeline = shard._redis.pipeline(transaction=False)
            for channel, data in published:
                pipeline.publish(channel, data)
            await pipeline.execute()
