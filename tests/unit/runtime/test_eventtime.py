"""Stream time: a task's timers wait until every input partition is read past them."""
from hypothesis import given
from hypothesis import strategies as st

from streams.runtime.eventtime import partition_watermark, task_watermark

NOW = 1_000_000


def test_a_buffered_record_holds_the_partition_at_its_timestamp():
    assert partition_watermark(head_ms=500, caught_up=False, last_handled_ms=400, now_ms=NOW) == 500


def test_a_partition_read_to_its_end_follows_the_clock():
    assert partition_watermark(head_ms=None, caught_up=True, last_handled_ms=None, now_ms=NOW) == NOW + 1


def test_a_partition_with_a_backlog_is_as_far_as_its_last_handled_record():
    assert partition_watermark(head_ms=None, caught_up=False, last_handled_ms=700, now_ms=NOW) == 701


def test_a_partition_not_read_at_all_yet_is_unknown():
    """After a restart: whatever waits on the broker may be stamped before any timer."""
    assert partition_watermark(head_ms=None, caught_up=False, last_handled_ms=None, now_ms=NOW) is None


def test_the_task_goes_as_fast_as_its_slowest_input():
    assert task_watermark([NOW + 1, 500]) == 500
    assert task_watermark([NOW + 1, None]) is None


@given(st.lists(st.one_of(st.none(), st.integers(0, NOW)), min_size=1, max_size=5))
def test_the_task_watermark_never_passes_any_input(marks):
    watermark = task_watermark(marks)
    if None in marks:
        assert watermark is None
    else:
        assert watermark == min(marks)
