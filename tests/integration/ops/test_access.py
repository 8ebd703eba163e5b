"""Staff only: people who are not staff get 403 on every admin page, ops page and JSON endpoint."""
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from auction.catalog.models import Item

pytestmark = pytest.mark.django_db

ITEM = uuid.uuid4()


@pytest.fixture
def item(person):
    now = timezone.now()
    seller = person("seller")
    return Item.objects.create(
        id=ITEM, seller_id=seller.pk, seller_name=seller.username, title="Lamp", category="home", currency="EUR",
        starting_price=10_00, starts_at=now, original_ends_at=now + timezone.timedelta(days=1),
        ends_at=now + timezone.timedelta(days=1),
    )


def _admin_urls(item, someone) -> list[tuple[str, str]]:
    return [
        ("get", reverse("admin:index")),
        ("get", reverse("admin:catalog_item_changelist")),
        ("get", reverse("admin:catalog_item_change", args=[item.pk])),
        ("get", reverse("admin:bidding_bid_changelist")),
        ("get", reverse("admin:staff_result_changelist")),
        ("get", reverse("admin:auth_user_changelist")),
        ("get", reverse("admin:auth_user_change", args=[someone.pk])),
        ("get", reverse("admin:accounts_suspension_changelist")),
        ("get", reverse("admin:login")),
        *[("post", reverse("admin:catalog_item_act", args=[item.pk, action])) for action in ("cancel", "end", "extend", "relist")],
        *[("post", reverse("admin:auth_user_moderate", args=[someone.pk, action])) for action in ("suspend", "reinstate")],
    ]


OPS_JSON = [
    ("get", "ops:overview"),
    ("get", "ops:dead_letters"),
    ("post", "ops:replay"),
    ("post", "ops:discard"),
    ("get", "ops:rebuild"),
    ("post", "ops:rebuild"),
]


def test_people_who_are_not_staff_get_403_everywhere(item, person):
    member = person("member")
    client = Client(REMOTE_ADDR="203.0.113.9")
    client.force_login(member)
    for method, url in _admin_urls(item, member) + [("get", reverse("ops:page")), ("get", reverse("ops:metrics"))]:
        assert getattr(client, method)(url, {"reason": "x"}).status_code == 403, f"{method} {url}"
    for method, name in OPS_JSON:
        response = getattr(client, method)(reverse(name), data={}, content_type="application/json")
        assert (response.status_code, response.json()) == (403, {"error": "Staff only."}), name


def test_anonymous_visitors_are_sent_to_log_in_and_scripts_get_403(item, person):
    client = Client(REMOTE_ADDR="203.0.113.9")
    for url in (reverse("admin:index"), reverse("admin:catalog_item_changelist"), reverse("ops:page")):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"], url
    for method, name in OPS_JSON:
        assert getattr(client, method)(reverse(name)).status_code == 403, name
    assert client.get(reverse("ops:metrics")).status_code == 403


def test_staff_get_in(item, person, staff_client):
    someone = person("someone")
    pages = [url for method, url in _admin_urls(item, someone) if method == "get" and url != reverse("admin:login")]
    for url in pages:
        assert staff_client.get(url).status_code == 200, url
    assert staff_client.get(reverse("ops:page")).status_code == 200
    assert staff_client.get(reverse("ops:dead_letters")).status_code == 200


def test_metrics_are_open_to_this_machine_and_to_staff(staff):
    local = Client(REMOTE_ADDR="127.0.0.1").get(reverse("ops:metrics"))
    assert local.status_code == 200 and b"auction_web_requests_total" in local.content
    assert b"auction_dead_letters_pending" in local.content
    remote_staff = Client(REMOTE_ADDR="203.0.113.9")
    remote_staff.force_login(staff)
    assert remote_staff.get(reverse("ops:metrics")).status_code == 200
