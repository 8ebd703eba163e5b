"""Login and sign-up throttling, counted in Redis across web processes.

Every password login reserves one failure on two counters before any hash is computed: its
username's (known or not, so the answer never tells whether a name exists) and its address's
(`REMOTE_ADDR`, which `auction.proxies` sets from a trusted proxy's X-Forwarded-For). When
either counter is past its limit the login is refused with `Throttled` (429, Retry-After: when
the counter's window ends); a login that succeeds gives its reservation back, so it never
counts as a failure. A counter's window starts with its first failure and lasts
`AUCTION_LOGIN_WINDOW_SECONDS`. Sign-ups are counted per address the same way.

The limits protect passwords, so they fail closed: when Redis cannot count, logins and sign-ups
are refused (`ThrottleUnavailable`, 503) rather than let an unlimited stream of guesses through.
An IPv6 client is counted by its /64, which one household or server usually holds whole.
"""
import hashlib
import ipaddress
import logging
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import redis
from django.conf import settings

log = logging.getLogger(__name__)

REDIS_TIMEOUT_S = 1.0
UNAVAILABLE_RETRY_AFTER_S = 30
LOGIN_THROTTLED = "Too many failed logins for this account or from your network. Try again in {wait}."
SIGNUP_THROTTLED = "Too many sign-ups from your network. Try again in {wait}."
LOGIN_UNAVAILABLE = "Logging in is paused for a moment: attempts cannot be counted right now. Please try again shortly."
SIGNUP_UNAVAILABLE = "Signing up is paused for a moment: attempts cannot be counted right now. Please try again shortly."

# Each key: add one; a key without an expiry (new) gets its window. Answers count, seconds left per key.
_RESERVE = """
local answer = {}
for i, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  local ttl = redis.call('TTL', key)
  if ttl < 0 then
    ttl = tonumber(ARGV[i])
    redis.call('EXPIRE', key, ttl)
  end
  answer[#answer + 1] = count
  answer[#answer + 1] = ttl
end
return answer
"""
# Give a reservation back; a key whose window has ended is not brought back to life.
_RELEASE = """
for _, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then redis.call('DECR', key) end
end
return 0
"""


class Throttled(Exception):
    """Refused for now; `retry_after_s` is when to try again (the Retry-After header)."""

    def __init__(self, message: str, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class ThrottleUnavailable(Exception):
    """Redis cannot count, so the request is refused (503) rather than let through uncounted."""

    retry_after_s = UNAVAILABLE_RETRY_AFTER_S


@dataclass(frozen=True)
class Limit:
    key: str
    most: int
    window_s: int


@dataclass(frozen=True)
class LoginAttempt:
    """A login's reservation on its counters, given back by `login_attempt_succeeded`."""

    keys: tuple[str, ...]


_clients: dict[str, tuple[redis.Redis, redis.commands.core.Script, redis.commands.core.Script]] = {}


def _scripts(url: str):
    if url not in _clients:
        client = redis.Redis.from_url(url, socket_connect_timeout=REDIS_TIMEOUT_S, socket_timeout=REDIS_TIMEOUT_S)
        _clients[url] = (client, client.register_script(_RESERVE), client.register_script(_RELEASE))
    return _clients[url]


def _key(*parts: str) -> str:
    return ":".join((settings.AUCTION_THROTTLE_PREFIX, *parts))


def _username_key(username: str) -> str:
    """Names that Django would take for the same one count together; hashed, so any length fits."""
    canonical = unicodedata.normalize("NFKC", username).casefold()
    return _key("login", "user", hashlib.sha256(canonical.encode()).hexdigest())


def address_bucket(address: str | None) -> str:
    """What a client is counted as: its IPv4 address, or its IPv6 /64."""
    try:
        parsed = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return "unknown"
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)


def wait_words(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def _reserve(limits: Sequence[Limit], *, refused: str, unavailable: str) -> None:
    _, reserve, _ = _scripts(settings.REDIS_URL)
    try:
        answer = reserve(keys=[limit.key for limit in limits], args=[limit.window_s for limit in limits])
    except redis.RedisError as error:
        log.warning("refusing: the throttle cannot count, Redis is unavailable: %s", error)
        raise ThrottleUnavailable(unavailable) from None
    waits = [int(answer[2 * i + 1]) for i, limit in enumerate(limits) if int(answer[2 * i]) > limit.most]
    if waits:
        wait = max(1, max(waits))
        raise Throttled(refused.format(wait=wait_words(wait)), retry_after_s=wait)


def login_attempt_check(*, username: str, address: str | None) -> LoginAttempt:
    """Reserve one failure for `username` and `address`, or raise `Throttled` / `ThrottleUnavailable`."""
    window = settings.AUCTION_LOGIN_WINDOW_SECONDS
    limits = [
        Limit(_username_key(username), settings.AUCTION_LOGIN_FAILURES_PER_USERNAME, window),
        Limit(_key("login", "address", address_bucket(address)), settings.AUCTION_LOGIN_FAILURES_PER_ADDRESS, window),
    ]
    _reserve(limits, refused=LOGIN_THROTTLED, unavailable=LOGIN_UNAVAILABLE)
    return LoginAttempt(keys=tuple(limit.key for limit in limits))


def login_attempt_succeeded(*, attempt: LoginAttempt) -> None:
    """The login was right: its reservation is not a failure."""
    _, _, release = _scripts(settings.REDIS_URL)
    try:
        release(keys=list(attempt.keys))
    except redis.RedisError as error:  # the login stands; its counters stay one higher until their window ends
        log.warning("a successful login could not be uncounted, Redis is unavailable: %s", error)


def signup_attempt_check(*, address: str | None) -> None:
    """Count one sign-up from `address`, or raise `Throttled` / `ThrottleUnavailable`."""
    limit = Limit(
        _key("signup", "address", address_bucket(address)),
        settings.AUCTION_SIGNUPS_PER_ADDRESS,
        settings.AUCTION_SIGNUP_WINDOW_SECONDS,
    )
    _reserve([limit], refused=SIGNUP_THROTTLED, unavailable=SIGNUP_UNAVAILABLE)
