"""Who is calling, and over what: believed from a proxy's headers only when the proxy is trusted.

Behind a TLS proxy every request comes from the proxy's address; the proxy says who the client
is in X-Forwarded-For and whether it spoke HTTPS in X-Forwarded-Proto. Anybody can send those
headers, so they count only on a request from an address in `AUCTION_TRUSTED_PROXIES`:
`trusted_proxy_middleware` then sets `REMOTE_ADDR` to the client's address, and otherwise drops
both headers, so everything after it (login throttling, /metrics' "from this machine",
`request.is_secure()` through `SECURE_PROXY_SSL_HEADER`) reads one honest answer.
"""
import functools
import ipaddress
from collections.abc import Callable, Iterable

from asgiref.sync import iscoroutinefunction
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import sync_and_async_middleware

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
FORWARDED_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO")


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1 : text.index("]")]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    return address.ipv4_mapped or address if isinstance(address, ipaddress.IPv6Address) else address


def trusted_networks(entries: Iterable[str]) -> tuple[Network, ...]:
    return _networks(tuple(entries))


@functools.lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())


def _trusted(address, networks: tuple[Network, ...]) -> bool:
    return address is not None and any(address in network for network in networks)


def client_address(remote_addr: str, forwarded_for: str | None, networks: tuple[Network, ...]) -> str:
    """The client's address: `remote_addr`, or, when that is a trusted proxy, the nearest address
    in X-Forwarded-For that is not one (proxies append the address they heard from, so only the
    entries right of the first untrusted one are proxies' own words)."""
    peer = _address(remote_addr)
    if not _trusted(peer, networks) or not forwarded_for:
        return remote_addr
    hops = [hop for hop in forwarded_for.split(",") if hop.strip()]
    nearest = remote_addr
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:  # garbage: what is left of it was written by the client
            return nearest
        nearest = str(address)
        if not _trusted(address, networks):
            return nearest
    return nearest


def _believe_trusted_proxies(request: HttpRequest) -> None:
    networks = trusted_networks(settings.AUCTION_TRUSTED_PROXIES)
    remote = request.META.get("REMOTE_ADDR", "")
    if _trusted(_address(remote), networks):
        request.META["REMOTE_ADDR"] = client_address(remote, request.META.get("HTTP_X_FORWARDED_FOR"), networks)
    else:
        for header in FORWARDED_HEADERS:
            request.META.pop(header, None)


@sync_and_async_middleware
def trusted_proxy_middleware(get_response: Callable) -> Callable:
    """Runs in the mode of the stack below it, so an async view never leaves the event loop."""
    if iscoroutinefunction(get_response):

        async def middleware(request: HttpRequest) -> HttpResponse:
            _believe_trusted_proxies(request)
            return await get_response(request)

    else:

        def middleware(request: HttpRequest) -> HttpResponse:
            _believe_trusted_proxies(request)
            return get_response(request)

    return middleware
