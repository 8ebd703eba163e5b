"""What a page may send over its socket: two requests, and a clear refusal for anything else (pure)."""
import json
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auction.live.limits import OpenSockets, client_address
from auction.live.page_requests import MAX_REQUEST_BYTES, BadRequest, Follow, parse_request


def test_subscribe_and_unsubscribe_name_an_item():
    item = uuid.uuid4()

    assert parse_request(json.dumps({"type": "subscribe", "item": str(item)})) == Follow(item, follow=True)
    assert parse_request(json.dumps({"type": "unsubscribe", "item": str(item)})) == Follow(item, follow=False)


@given(st.one_of(st.text(max_size=2 * MAX_REQUEST_BYTES), st.none(), st.builds(json.dumps, st.dictionaries(st.text(), st.text()))))
def test_anything_else_is_refused_with_a_reason_and_never_raises_otherwise(frame):
    try:
        parsed = parse_request(frame)
    except BadRequest as problem:
        assert str(problem)
    else:
        assert isinstance(parsed, Follow)


def test_an_oversized_frame_is_refused_before_it_is_parsed():
    with pytest.raises(BadRequest, match="at most 512 bytes"):
        parse_request(json.dumps({"type": "subscribe", "item": str(uuid.uuid4()), "pad": "x" * MAX_REQUEST_BYTES}))


@given(st.lists(st.sampled_from(["admit", "release"]), max_size=60), st.integers(min_value=1, max_value=5))
def test_an_address_never_holds_more_sockets_than_its_limit(steps, limit):
    sockets, held = OpenSockets(), 0
    for step in steps:
        if step == "admit":
            held += sockets.admit("203.0.113.1", limit)
        elif held:
            sockets.release("203.0.113.1")
            held -= 1
        assert sockets.open_from("203.0.113.1") == held <= limit


def test_the_address_is_the_clients_without_its_port():
    assert client_address({"client": ["203.0.113.1", 51234]}) == "203.0.113.1"
    assert client_address({}) == "unknown"


def test_a_socket_through_a_trusted_proxy_counts_against_the_client_it_names(settings):
    through_proxy = {"client": ["127.0.0.1", 40000], "headers": [(b"x-forwarded-for", b"198.51.100.7")]}
    settings.AUCTION_TRUSTED_PROXIES = []
    assert client_address(through_proxy) == "127.0.0.1"
    settings.AUCTION_TRUSTED_PROXIES = ["127.0.0.1"]
    assert client_address(through_proxy) == "198.51.100.7"
