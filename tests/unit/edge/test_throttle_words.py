"""How the login throttle names clients and waits: IPv6 clients by their /64, waits in words."""
import pytest

from auction.accounts.throttling import address_bucket, wait_words


@pytest.mark.parametrize(
    ("address", "bucket"),
    [
        ("198.51.100.7", "198.51.100.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:db8:1:2::9", "2001:db8:1:2::/64"),
        ("::ffff:198.51.100.7", "198.51.100.7"),
        ("", "unknown"),
        (None, "unknown"),
        ("garbage", "unknown"),
    ],
)
def test_address_bucket(address, bucket):
    assert address_bucket(address) == bucket


@pytest.mark.parametrize(("seconds", "words"), [(1, "1 second"), (59, "59 seconds"), (60, "1 minute"), (61, "2 minutes"), (900, "15 minutes")])
def test_wait_words(seconds, words):
    assert wait_words(seconds) == words
