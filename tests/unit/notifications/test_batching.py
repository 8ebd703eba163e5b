"""Queued rows are cut into batches, one Celery task each: every row once, in order, none over the size."""
from hypothesis import given
from hypothesis import strategies as st

from auction.notifications.tasks import batches

sends = st.lists(st.tuples(st.integers(1, 10**9), st.integers(0, 8)), max_size=300)


@given(sends, st.integers(1, 120))
def test_batches_hold_every_row_once_in_order_and_only_the_last_is_short(rows, size):
    cut = batches(rows, size)
    assert [send for batch in cut for send in batch] == rows
    assert all(len(batch) == size for batch in cut[:-1])
    assert all(0 < len(batch) <= size for batch in cut)
