"""Flood protection: at most N bids per user per second, counted in Redis across web processes."""
import time

import redis
from django.conf import settings

_client: redis.Redis | None = None


class RateLimited(Exception):
    def __init__(self, retry_after_s: int) -> None:
        super().__init__(f"Too many bids: wait {retry_after_s} s and try again.")
        self.retry_after_s = retry_after_s


def bid_rate_check(*, user_id: int, per_second: int) -> None:
    global _client
    if _client is None:
        _client = redis.Redis.from_url(settings.REDIS_URL)
    window = int(time.time())
    key = f"bid-rate:{user_id}:{window}"
    count, _ = _client.pipeline().incr(key).expire(key, 2).execute()
    if count > per_second:
        raise RateLimited(retry_after_s=1)
