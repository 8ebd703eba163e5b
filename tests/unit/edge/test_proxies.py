"""Which address is the client's: X-Forwarded-For counts only when the peer is a trusted proxy, and then
only its right-hand entries that trusted proxies wrote."""
import ipaddress

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from auction.proxies import client_address, trusted_networks

PROXIES = trusted_networks(["127.0.0.1", "10.0.0.0/8", "::1"])


@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        ("198.51.100.4", "203.0.113.9", "198.51.100.4"),  # not a proxy: its header is anybody's
        ("127.0.0.1", None, "127.0.0.1"),  # a proxy that said nothing
        ("127.0.0.1", "203.0.113.9", "203.0.113.9"),
        ("127.0.0.1", "1.2.3.4, 203.0.113.9", "203.0.113.9"),  # the client wrote 1.2.3.4 itself
        ("127.0.0.1", "203.0.113.9, 10.1.2.3", "203.0.113.9"),  # two proxies
        ("127.0.0.1", "10.1.2.3, 10.4.5.6", "10.1.2.3"),  # all proxies: the farthest
        ("127.0.0.1", "not-an-address, 203.0.113.9", "203.0.113.9"),
        ("127.0.0.1", "203.0.113.9, garbage", "127.0.0.1"),  # a proxy that wrote garbage is not believed past it
        ("::1", "[2001:db8::5]:443", "2001:db8::5"),
        ("127.0.0.1", "::ffff:203.0.113.9", "203.0.113.9"),
    ],
)
def test_the_client_address(remote, forwarded, client):
    assert client_address(remote, forwarded, PROXIES) == client


@given(st.lists(st.ip_addresses(v=4).map(str), min_size=1, max_size=5), st.ip_addresses(v=4).map(str))
def test_what_the_client_writes_never_replaces_what_the_proxy_heard(spoofed, real):
    """Whatever a client puts in X-Forwarded-For, a trusted proxy appends the address it heard from,
    and that address (when it is not itself a proxy) is the answer."""
    assume(ipaddress.ip_address(real) not in ipaddress.ip_network("10.0.0.0/8") and real != "127.0.0.1")
    assert client_address("127.0.0.1", ", ".join([*spoofed, real]), PROXIES) == real


def test_no_trusted_proxy_means_the_peer():
    assert client_address("127.0.0.1", "203.0.113.9", trusted_networks([])) == "127.0.0.1"
