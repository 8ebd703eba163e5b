from datetime import timedelta

import pytest

from streams.processors.bidding_retention import Retention


def test_the_spans_come_from_the_environment_in_seconds_or_default():
    assert Retention.from_env({}) == Retention(grace=timedelta(hours=1), memory=timedelta(days=7))
    custom = Retention.from_env({"BIDDING_CLOSED_GRACE_S": "90", "BIDDING_CLOSED_MEMORY_S": "600.5"})
    assert (custom.grace_ms, custom.memory_ms) == (90_000, 600_500)


def test_the_index_cannot_forget_an_item_before_its_state_is_evicted():
    with pytest.raises(ValueError, match="grace <= memory"):
        Retention(grace=timedelta(hours=2), memory=timedelta(hours=1))
    with pytest.raises(ValueError, match="grace <= memory"):
        Retention.from_env({"BIDDING_CLOSED_GRACE_S": "-1"})
