"""Flood protection: at most N bids per user per second, counted in Redis across web processes.

The limit protects the site, it does not decide anything: when Redis cannot count, bids are let
through (with a warning) rather than refused, and a slow Redis may delay a bid only briefly.
"""
import logging
import time

import redis
from django.conf import settings

log = logging.getLogger(__name__)
REDIS_TIMEOUT_S = 0.25

_client: redis.Redis | None = None


class RateLimited(Exception):
    def __init__(self, retry_after_s: int) -> None:
        super().__init__(f"Too many bids: wait {retry_after_s} s and try again.")
        self.retry_after_s = retry_after_s


def _shared_client() -> redis.Redis:
    global _client
    if _client is None:
        _client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=REDIS_TIMEOUT_S, socket_timeout=REDIS_TIMEOUT_S
        )
    return _client


def bid_rate_check(*, user_id: int, per_second: int) -> None:
    window = int(time.time())
    key = f"bid-rate:{user_id}:{window}"
    try:
        count, _ = _shared_client().pipeline().incr(key).expire(key, 2).execute()
    except redis.RedisError as error:
        log.warning("bid rate limit not applied, Redis is unavailable: %s", error)
        return
    if count > per_second:
        raise RateLimited(retry_after_s=1)
