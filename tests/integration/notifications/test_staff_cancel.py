"""A cancellation by staff from the admin reaches the bidders and the seller by email, with staff's reason.

Here rather than with the other admin tests (tests/integration/ops) because it needs this folder's
mail pipeline (processor, Celery worker, SMTP server), which only one set per run may consume.
"""
import pytest
from django.test import Client
from django.urls import reverse

from auction.catalog.models import Item
from tests.integration.notifications.support import bid, eventually, list_item

pytestmark = pytest.mark.django_db(transaction=True)
DELIVERY_TIMEOUT_S = 60


def test_bidders_hear_of_a_cancellation_by_staff_with_its_reason(mail_pipeline, smtp_server, person):
    seller, ann, staff = person("seller"), person("ann"), person("staff", is_staff=True)
    item = list_item(seller, ends_in_s=600, title="Staff-cancelled lamp")
    bid(item, ann, 10_00)
    eventually(lambda: Item.objects.filter(pk=item, bid_count=1).exists(), timeout_s=DELIVERY_TIMEOUT_S, what="the bid")
    admin = Client()
    admin.force_login(staff)
    act = reverse("admin:catalog_item_act", args=[item, "cancel"])
    page = admin.post(act, {"cancel-reason": "Stolen goods, reported by the police"}, follow=True)
    assert "Cancellation sent" in page.content.decode()

    def cancelled_mail(person_):
        return [mail for mail in smtp_server.to([person_.email]) if (mail.item_id, mail.kind) == (item, "cancelled")]

    [to_ann] = eventually(lambda: cancelled_mail(ann), timeout_s=DELIVERY_TIMEOUT_S, what="ann's email")
    [to_seller] = eventually(lambda: cancelled_mail(seller), timeout_s=DELIVERY_TIMEOUT_S, what="the seller's email")
    assert "Stolen goods, reported by the police" in to_ann.text and "Stolen goods" in to_seller.text
