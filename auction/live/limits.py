"""What one visitor may hold open: live sockets per client address, items followed per socket.

Sockets need no account, so the bounds are per address: `LIVE_MAX_CONNECTIONS_PER_ADDRESS` open
sockets to one web process (each holds a coroutine and its group memberships), and
`LIVE_MAX_SUBSCRIPTIONS` items followed by one socket. The address is the ASGI scope's client, or,
when that is a trusted proxy (`AUCTION_TRUSTED_PROXIES`), the client it names in X-Forwarded-For,
exactly as for HTTP requests (`auction.proxies`); counts are per process, which a deployment of
several processes multiplies.
"""
from __future__ import annotations

import threading
from collections import Counter

from django.conf import settings

from auction import proxies

CLOSE_TOO_MANY_CONNECTIONS = 4429
CLOSE_UNKNOWN_ITEM = 4404
"""Close codes of the application range (4000–4999), after the HTTP statuses they mirror."""
UNKNOWN_ADDRESS = "unknown"


def client_address(scope: dict) -> str:
    """The socket's client address (without its port), or "unknown" when the server gives none."""
    client = scope.get("client")
    if not client:
        return UNKNOWN_ADDRESS
    headers = dict(scope.get("headers", ()))
    forwarded = headers.get(b"x-forwarded-for")
    return proxies.client_address(
        str(client[0]),
        forwarded.decode("latin-1") if forwarded else None,
        proxies.trusted_networks(settings.AUCTION_TRUSTED_PROXIES),
    )


def too_many_connections_reason(limit: int) -> str:
    """The close reason (at most 123 bytes, as a close frame allows)."""
    return f"Too many live connections from your address (at most {limit})."


class OpenSockets:
    """Open sockets per client address in this process."""

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def admit(self, address: str, limit: int) -> bool:
        """Count one more socket from `address` if it has fewer than `limit` open; False when it has not."""
        with self._lock:
            if self._counts[address] >= limit:
                return False
            self._counts[address] += 1
            return True

    def release(self, address: str) -> None:
        with self._lock:
            self._counts[address] -= 1
            if self._counts[address] <= 0:
                del self._counts[address]

    def open_from(self, address: str) -> int:
        with self._lock:
            return self._counts[address]


OPEN_SOCKETS = OpenSockets()
