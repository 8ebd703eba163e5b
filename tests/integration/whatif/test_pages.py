"""/ops/whatif/: staff only; bad input gets a clear message (400), never a 500; a run is started, shown and exported."""
import csv
import io
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from auction.whatif.models import WhatIfRun
from auction.whatif.rules import increments_as_text

pytestmark = pytest.mark.django_db

MOMENT = "%Y-%m-%dT%H:%M"


def form(history, **overrides) -> dict:
    return {
        "range_start": history.start.strftime(MOMENT),
        "range_end": history.end.strftime(MOMENT),
        "increments": "0.00 2.00",
        "proxy_bidding": "on",
        "buy_now": "live",
        "extension_window_seconds": "",
        "extension_cap_seconds": "",
        **overrides,
    }


def test_only_staff_may_open_the_pages(person, client):
    urls = [reverse("whatif:page"), reverse("whatif:run", args=[1]), reverse("whatif:csv", args=[1])]
    for url in urls:
        assert client.get(url).status_code == 302  # anonymous: to the login page
    member = Client()
    member.force_login(person("member"))
    for url in urls:
        assert member.get(url).status_code == 403
    assert member.post(reverse("whatif:page"), {}).status_code == 403
    assert not WhatIfRun.objects.exists()


BAD_INPUT = [
    ({"increments": "1.00 0.25"}, "must start at 0"),
    ({"increments": "0.00 0,05"}, "Line 1: “0,05” is not an amount"),
    ({"increments": "0.00"}, "Line 1: write the price a row starts at and its increment"),
    ({"increments": "0.00 0.00"}, "every increment must be positive"),
    ({"range_end": "2020-01-01T00:00"}, "The range must end after it starts."),
    ({"range_start": "yesterday"}, "Enter a valid date/time."),
    ({"extension_cap_seconds": "-5"}, "greater than or equal to 0"),
    ({"buy_now": "sometimes"}, "Select a valid choice."),
]


def test_bad_input_is_answered_with_a_clear_message(staff_client, logged_history, whatif_settings):
    """One test for every case (a setup each would cost the suite seconds): each answered 400 with its words."""
    answers = {}
    for overrides, message in BAD_INPUT:
        response = staff_client.post(reverse("whatif:page"), form(logged_history, **overrides))
        answers[message] = (response.status_code, message in response.content.decode())
    assert answers == {message: (400, True) for _, message in BAD_INPUT}
    assert not WhatIfRun.objects.exists()


def test_a_range_in_the_future_is_refused(staff_client, logged_history, whatif_settings):
    later = (timezone.now() + timedelta(hours=1)).strftime(MOMENT)
    response = staff_client.post(reverse("whatif:page"), form(logged_history, range_end=later))
    assert response.status_code == 400
    assert "The range must be in the past" in response.content.decode()


def test_a_run_is_started_shown_and_exported(
    staff_client, logged_history, whatif_settings, celery_eager, django_capture_on_commit_callbacks
):
    page = staff_client.get(reverse("whatif:page"))
    assert page.status_code == 200 and increments_as_text() in page.content.decode()  # the live table to start from
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("whatif:page"), form(logged_history))
    run = WhatIfRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("whatif:run", args=[run.pk])
    run.refresh_from_db()
    assert run.status == WhatIfRun.Status.SUCCEEDED and run.differing > 0

    shown = staff_client.get(response["Location"]).content.decode()
    assert f'<strong id="whatif-differing">{run.differing}</strong>' in shown
    assert "increment table: from 0.00 +2.00" in shown
    for difference in run.differences.all():
        assert f'data-item-id="{difference.item_id}"' in shown

    exported = staff_client.get(reverse("whatif:csv", args=[run.pk]))
    assert exported["Content-Type"] == "text/csv"
    rows = list(csv.DictReader(io.StringIO(b"".join(exported.streaming_content).decode())))
    assert {row["item_id"] for row in rows} == {str(d.item_id) for d in run.differences.all()}
    assert all(row["final_price_live"] != row["final_price_changed"] or row["changed"] != "final_price" for row in rows)


def test_an_unknown_run_is_not_found(staff_client):
    assert staff_client.get(reverse("whatif:run", args=[987654])).status_code == 404
