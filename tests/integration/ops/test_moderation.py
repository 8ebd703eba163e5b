"""Suspended people cannot bid or list, and are told why; reinstated, they can again. Staff do it from the admin."""
import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from auction.accounts.models import Suspension
from auction.accounts.services import refuse_if_suspended
from auction.catalog.models import Item
from tests.integration.ops.support import listed

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_item(person):
    now, seller = timezone.now(), person("seller")
    return Item.objects.create(
        id=uuid.uuid4(), seller_id=seller.pk, seller_name=seller.username, title="Lamp", category="home",
        currency="EUR", starting_price=10_00, starts_at=now, original_ends_at=now + timedelta(days=1),
        ends_at=now + timedelta(days=1),
    )


def _moderate(staff_client, user, action: str, reason: str) -> None:
    response = staff_client.post(reverse("admin:auth_user_moderate", args=[user.pk, action]), {"reason": reason})
    assert response.status_code == 302


def test_a_suspended_person_is_refused_with_the_reason_until_reinstated(staff, staff_client, person, open_item):
    member = person("member")
    browser = Client()
    browser.force_login(member)

    _moderate(staff_client, member, "suspend", "Shill bidding on a friend's items")

    suspension = Suspension.objects.get(user=member, lifted_at__isnull=True)
    assert suspension.suspended_by == staff
    bid = browser.post(reverse("bidding:bid", args=[open_item.pk]), {"amount": "12.00"})
    assert bid.status_code == 400
    assert "Your account is suspended" in bid.content.decode() and "Shill bidding" in bid.content.decode()
    with pytest.raises(ValidationError, match="Your account is suspended"):
        listed(member, title="Not today")
    page = staff_client.get(reverse("admin:auth_user_change", args=[member.pk])).content.decode()
    assert "Shill bidding" in page and "Reinstate" in page

    _moderate(staff_client, member, "reinstate", "Appeal upheld")

    lifted = Suspension.objects.get(pk=suspension.pk)
    assert (lifted.lifted_by, lifted.lift_reason) == (staff, "Appeal upheld")
    assert refuse_if_suspended(user=member) is None
    listed_view = staff_client.get(reverse("admin:auth_user_changelist") + "?suspended=yes").content.decode()
    assert member.username not in listed_view


def test_suspending_twice_or_reinstating_someone_in_good_standing_is_refused(staff_client, person):
    member = person("member")
    _moderate(staff_client, member, "reinstate", "nothing to lift")
    _moderate(staff_client, member, "suspend", "spam")
    _moderate(staff_client, member, "suspend", "spam again")
    assert Suspension.objects.filter(user=member).count() == 1
