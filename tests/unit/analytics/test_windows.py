from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from streams.analytics.policy import Policy
from streams.analytics.watermark import Watermark
from streams.analytics.windows import sliding_span, window_start

MINUTE = timedelta(minutes=1)
moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(timezone.utc)
)


@given(moments, st.sampled_from([timedelta(seconds=10), MINUTE, timedelta(hours=1)]))
def test_a_moment_lies_in_the_half_open_window_that_starts_at_a_multiple_of_its_size(at, size):
    start = window_start(at, size)
    assert start <= at < start + size
    assert (start - datetime(1970, 1, 1, tzinfo=timezone.utc)) % size == timedelta(0)


def test_window_boundaries_belong_to_the_window_they_start():
    boundary = datetime(2030, 1, 1, 12, 5, tzinfo=timezone.utc)
    assert window_start(boundary, MINUTE) == boundary
    assert window_start(boundary - timedelta(microseconds=1), MINUTE) == boundary - MINUTE


def test_the_sliding_window_ends_with_the_pane_of_the_latest_moment():
    latest = datetime(2030, 1, 1, 12, 30, 15, tzinfo=timezone.utc)
    assert sliding_span(latest, timedelta(minutes=10), MINUTE) == (
        datetime(2030, 1, 1, 12, 21, tzinfo=timezone.utc),
        datetime(2030, 1, 1, 12, 31, tzinfo=timezone.utc),
    )


def test_an_event_exactly_the_allowed_lateness_behind_is_on_time_and_one_microsecond_more_is_late():
    latest = datetime(2030, 1, 1, 12, 0, tzinfo=timezone.utc)
    lateness = timedelta(seconds=30)
    watermark = Watermark(latest)
    assert watermark.admits(latest - lateness, lateness)
    assert not watermark.admits(latest - lateness - timedelta(microseconds=1), lateness)
    assert Watermark().admits(datetime(1990, 1, 1, tzinfo=timezone.utc), lateness)


@given(st.lists(moments, min_size=1))
def test_a_watermark_is_the_latest_time_seen_and_never_moves_back(times):
    watermark = Watermark()
    for at in times:
        watermark = watermark.after(at)
    assert watermark.latest == max(times)


def test_a_hot_window_that_is_not_a_whole_number_of_windows_is_refused():
    with pytest.raises(ValueError, match="whole number"):
        Policy(window=timedelta(minutes=3), hot_window=timedelta(minutes=10))
