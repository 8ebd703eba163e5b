"""The demo's mail: `manage.py capture_mail` keeps what it receives, and staff read it at /ops/mail/."""
import subprocess
import sys
import uuid

import pytest

from auction.notifications.composing import compose
from auction.notifications.models import CapturedMail, Notification
from tests.integration.notifications.conftest import free_port
from tests.integration.notifications.support import ROOT, eventually

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def capture_server(processor_env, tmp_path):
    port = free_port()
    log_path = tmp_path / "capture.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen([sys.executable, "manage.py", "capture_mail", "--host", "127.0.0.1", "--port", str(port)],
                                cwd=ROOT, env={**processor_env, "PYTHONUNBUFFERED": "1"}, stdout=log, stderr=subprocess.STDOUT)
    eventually(lambda: b"capturing mail on" in log_path.read_bytes(), timeout_s=30, what=f"the capture server; see {log_path}")
    yield port
    proc.terminate()
    proc.wait(10)


def test_staff_read_the_mail_the_demo_server_captured(capture_server, settings, person, client):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"  # the test runner swapped it for memory
    settings.EMAIL_PORT = capture_server
    winner, seller = person("winner"), person("seller")
    entry = Notification.objects.create(
        event_id=str(uuid.uuid4()), recipient_id=winner.pk, kind="won", item_id=uuid.uuid4(),
        details={"item_id": str(uuid.uuid4()), "title": "Bauhaus lamp", "image_url": "/media/items/lamp.jpg",
                 "currency": "EUR", "outcome": "sold", "price": 42_00, "seller_id": seller.pk, "seller_name": seller.username},
    )
    compose(entry).send()

    captured = eventually(lambda: CapturedMail.objects.filter(recipients=[winner.email]).first(), timeout_s=10,
                          what="the message in the capture table")
    assert captured.subject == "You won “Bauhaus lamp” for €42.00"

    client.force_login(winner)
    assert client.get("/ops/mail/").status_code == 302, "only staff read other people's mail"
    client.force_login(person("staff", is_staff=True))
    listing = client.get("/ops/mail/").content.decode()
    assert f"/ops/mail/{captured.pk}/" in listing and "You won “Bauhaus lamp” for €42.00" in listing
    shown = client.get(f"/ops/mail/{captured.pk}/").content.decode()
    assert "srcdoc=" in shown and "sandbox" in shown and seller.email in shown and "What happens next" in shown
