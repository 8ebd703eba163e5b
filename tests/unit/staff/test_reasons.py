"""Staff reasons are free text under one rule: trimmed, required, at most what the events carry.

Every check here happens before anything is published or saved, so no server is needed.
"""
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from auction.accounts.services import user_reinstate, user_suspend
from auction.catalog.models import Item
from auction.staff.forms import ReasonForm
from auction.staff.interventions import auction_cancel, auction_end_now, auction_extend
from auction.text import REASON
from streams.events import AuctionCancelled

NOW = datetime(2030, 1, 1, 12, 0, tzinfo=timezone.utc)
TOO_LONG = "r" * (REASON.max_length + 1)
TOO_LONG_MESSAGE = "The reason must be at most 500 characters (this has 501)."


def _open_item() -> Item:
    return Item(id=uuid.uuid4(), status=Item.Status.OPEN, ends_at=NOW + timedelta(hours=2))


@pytest.fixture
def staff():
    return get_user_model()(pk=1, username="staff")


@pytest.mark.parametrize(
    "act",
    [
        lambda item, staff, reason: auction_cancel(item=item, staff=staff, reason=reason),
        lambda item, staff, reason: auction_end_now(item=item, staff=staff, reason=reason),
        lambda item, staff, reason: auction_extend(item=item, staff=staff, ends_at=NOW + timedelta(days=1), reason=reason, now=NOW),
    ],
    ids=["cancel", "end now", "extend"],
)
@pytest.mark.parametrize(
    ("reason", "message"), [(TOO_LONG, TOO_LONG_MESSAGE), ("  ", "Say why, for the audit trail.")], ids=["too long", "blank"]
)
def test_an_intervention_is_refused_before_publishing_when_its_reason_does_not_fit(act, staff, reason, message):
    with pytest.raises(ValidationError) as refused:
        act(_open_item(), staff, reason)

    assert refused.value.message_dict == {"reason": [message]}


def test_the_events_carry_the_same_limit():
    assert AuctionCancelled.model_json_schema()["properties"]["reason"]["maxLength"] == REASON.max_length


def test_suspending_and_reinstating_check_the_reason_before_touching_the_database(staff):
    person = get_user_model()(pk=2, username="person")

    for service in (user_suspend, user_reinstate):
        with pytest.raises(ValidationError) as refused:
            service(user=person, staff=staff, reason=TOO_LONG)
        assert refused.value.message_dict == {"reason": [TOO_LONG_MESSAGE]}

    with pytest.raises(ValidationError, match="Say why the account is suspended."):
        user_suspend(user=person, staff=staff, reason=" ")


def test_the_admin_form_says_what_is_wrong_and_hands_over_the_trimmed_reason():
    too_long, fine = ReasonForm({"reason": TOO_LONG}), ReasonForm({"reason": "  Damaged in storage  "})

    assert not too_long.is_valid() and too_long.errors["reason"] == [TOO_LONG_MESSAGE]
    assert fine.is_valid() and fine.cleaned_data["reason"] == "Damaged in storage"
