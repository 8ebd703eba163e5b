"""Runs on a generated history read from Kafka: under the live rules nothing differs; under a changed
increment table exactly what a direct computation on the same events predicts; the range selects by time."""
from datetime import timedelta

import pytest

from auction.whatif.models import WhatIfRun
from auction.whatif.services import whatif_start
from streams.bidding import LIVE_RULES, IncrementTable, Rules
from streams.bidding.what_if import compare, redecide
from streams.events import ItemListed
from streams.what_if_log import item_event

pytestmark = pytest.mark.django_db

FLAT = Rules(increments=IncrementTable(((0, 2_00),)))


def run_of(person, django_capture_on_commit_callbacks, *, start, end, rules) -> WhatIfRun:
    """Start a run as staff would; the queued task runs when the row commits (Celery eager)."""
    with django_capture_on_commit_callbacks(execute=True):
        run = whatif_start(requested_by=person("staff", is_staff=True), range_start=start, range_end=end, rules=rules)
    run.refresh_from_db()
    assert run.status == WhatIfRun.Status.SUCCEEDED, run.error
    return run


def predicted(history, rules, *, start=None):
    """The comparison computed straight from the generated events, without Kafka or the database."""
    start = start or history.start
    events = [item_event(t.event, t.at) for t in history.timed if start <= t.at < history.end]
    return compare(redecide(events, LIVE_RULES, until=history.end), redecide(events, rules, until=history.end))


@pytest.fixture
def run_as_staff(person, django_capture_on_commit_callbacks, whatif_settings, celery_eager):
    return lambda **kwargs: run_of(person, django_capture_on_commit_callbacks, **kwargs)


def test_the_live_rules_change_nothing(run_as_staff, logged_history):
    run = run_as_staff(start=logged_history.start, end=logged_history.end, rules=Rules())
    listed = sum(isinstance(t.event, ItemListed) for t in logged_history.timed)
    assert (run.auctions, run.differing, run.skipped) == (listed, 0, 0)
    assert run.records_done == run.records_total == len(logged_history.timed)
    assert run.differences.count() == 0
    (totals,) = run.totals.values()
    assert totals["before"] == totals["after"]
    assert totals["before"]["sold"] > 0 and totals["before"]["extensions"] > 0  # the history exercises both


def test_a_changed_increment_table_differs_where_a_direct_computation_says(run_as_staff, logged_history):
    run = run_as_staff(start=logged_history.start, end=logged_history.end, rules=FLAT)
    expected = predicted(logged_history, FLAT)
    assert expected.diffs, "the generated history should be sensitive to the increment table"
    found = {str(d.item_id): (d.price_before, d.price_after, d.outcome_before, d.outcome_after) for d in run.differences.all()}
    assert found == {
        diff.item_id: (diff.before.final_price, diff.after.final_price, diff.before.outcome or "", diff.after.outcome or "")
        for diff in expected.diffs
    }
    assert run.changed_fields == expected.changed_fields
    currency = "EUR"
    assert run.totals[currency]["after"]["revenue"] == expected.after[currency].revenue
    assert run.totals[currency]["before"]["revenue"] == expected.before[currency].revenue


def test_the_range_selects_auctions_listed_in_it_and_leaves_earlier_ones_out(run_as_staff, logged_history):
    later = logged_history.start + timedelta(minutes=20)
    run = run_as_staff(start=later, end=logged_history.end, rules=FLAT)
    expected = predicted(logged_history, FLAT, start=later)
    assert run.auctions == expected.auctions == sum(
        isinstance(t.event, ItemListed) and t.at >= later for t in logged_history.timed
    )
    assert run.skipped > 0  # bids on the auctions listed before it
    assert run.differing == len(expected.diffs)


def test_a_range_holding_more_than_a_run_may_read_fails_saying_so(
    person, django_capture_on_commit_callbacks, whatif_settings, celery_eager, logged_history
):
    whatif_settings.WHATIF_MAX_RECORDS = 10
    with django_capture_on_commit_callbacks(execute=True):
        run = whatif_start(
            requested_by=person("staff", is_staff=True), range_start=logged_history.start, range_end=logged_history.end, rules=FLAT
        )
    run.refresh_from_db()
    assert run.status == WhatIfRun.Status.FAILED
    assert run.error == (
        f"The range holds {len(logged_history.timed):,} records; a run reads at most 10: choose a shorter range."
    )
    assert run.differences.count() == 0
