"""The notification pipeline for real: bidding and projector (session-wide `auction_pipeline`), the
notifications processor, a Celery worker and beat on a queue of their own, and an SMTP server."""
import random
import uuid

import pytest

from auction.notifications.models import Preference
from tests.integration.conftest import ProcessorProcess
from tests.integration.notifications.support import SmtpServer, celery_beat, celery_worker, wait_until_read
from tests.integration.readiness import free_port

FAST_DELIVERY = {
    "EMAIL_HOST": "127.0.0.1",
    "EMAIL_TIMEOUT": "5",
    "NOTIFY_RETRY_BASE_SECONDS": "1",
    "NOTIFY_RETRY_MAX_SECONDS": "4",
    "NOTIFY_MAX_ATTEMPTS": "30",
    "NOTIFY_SWEEP_SECONDS": "1",
    "NOTIFY_STALE_SECONDS": "4",
    "NOTIFY_ENDING_SOON_SECONDS": "3600",
}
"""Retries every few seconds, so a 30-second outage costs 30 seconds, not hours."""
CATCH_UP_TIMEOUT_S = 300
"""A processor new to the broker reads all of its history first (on a shared dev broker, everyone's)."""


@pytest.fixture(scope="session")
def smtp_server():
    server = SmtpServer(free_port()).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def notify_queue() -> str:
    """A Celery queue only this run's workers read, on a Redis others share."""
    return f"notify-{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="session")
def notify_env(processor_env, redis_url, smtp_server, notify_queue) -> dict[str, str]:
    return {
        **processor_env,
        **FAST_DELIVERY,
        "REDIS_URL": redis_url,
        "NOTIFY_QUEUE": notify_queue,
        "EMAIL_PORT": str(smtp_server.port),
    }


@pytest.fixture(autouse=True)
def _in_process_queue(settings, notify_queue):
    """Sends this test process queues itself go to this run's worker."""
    settings.NOTIFY_QUEUE = notify_queue


@pytest.fixture(scope="session")
def worker(notify_env, notify_queue, tmp_path_factory):
    process = celery_worker(notify_env, tmp_path_factory.mktemp("worker") / "worker.log", notify_queue).start()
    yield process
    process.stop()


@pytest.fixture(scope="session")
def beat(notify_env, tmp_path_factory):
    process = celery_beat(notify_env, tmp_path_factory.mktemp("beat")).start()
    yield process
    process.stop()


@pytest.fixture(scope="session")
def notifications_processor(notify_env, provisioned_topics, tmp_path_factory, django_db_blocker):
    """Started once, and only handed out when it has read everything already on the broker."""
    process = ProcessorProcess("notifications", notify_env, tmp_path_factory.mktemp("notifications") / "processor.log")
    try:
        process.start()
        with django_db_blocker.unblock():
            wait_until_read(timeout_s=CATCH_UP_TIMEOUT_S)
        yield process
    finally:  # also when it never got ready
        process.stop()


@pytest.fixture
def mail_pipeline(auction_pipeline, notifications_processor, worker, beat):
    """Everything from a published listing to an email in the SMTP server's hands."""
    return notifications_processor


@pytest.fixture
def person(django_user_model):
    """Factory of committed accounts with ids no other test run's events use, and their email choices."""

    def make(prefix: str, *, outbid: bool = True, ending_soon: bool = True, **fields):
        name = f"{prefix}-{uuid.uuid4().hex[:8]}"
        user = django_user_model.objects.create_user(
            id=random.randrange(10**8, 2**31 - 1), username=name, email=f"{name}@example.test", password=None, **fields
        )
        if not (outbid and ending_soon):
            Preference.objects.create(user=user, outbid=outbid, ending_soon=ending_soon)
        return user

    return make
