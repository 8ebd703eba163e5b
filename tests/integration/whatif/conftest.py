"""Fixtures of the "what if" tests: a generated history on private twins of auction.items and auction.bids
(one per session), runs carried out by Celery in this process (eager), staff and other people."""
import dataclasses
import random
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from django.test import Client
from kafka import KafkaProducer

from auction.celery import app as celery_app
from streams.events import encode
from streams.provisioning import ensure_topics
from streams.runtime.context import to_ms
from streams.topics import BIDS_TOPIC, ITEMS_TOPIC, REGISTRY, topic_for
from tests.integration.whatif.workload import Timed, history

ITEMS = 40


@dataclasses.dataclass(frozen=True)
class History:
    prefix: str
    start: datetime
    end: datetime
    timed: list[Timed]


@pytest.fixture(scope="session")
def logged_history(kafka_bootstrap) -> History:
    """Forty auctions listed from three hours ago, each read back by its record time: the stretch a run reads."""
    prefix = f"whatif-{uuid.uuid4().hex[:8]}"
    ensure_topics(
        kafka_bootstrap,
        [dataclasses.replace(topic, name=f"{prefix}.{topic.name}") for topic in REGISTRY if topic.name in (ITEMS_TOPIC, BIDS_TOPIC)],
    )
    start = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(hours=3)
    timed = history(random.Random(14), start=start, items=ITEMS)
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all", enable_idempotence=True, linger_ms=5)
    for each in timed:
        record = encode(each.event, source="/tests/whatif")
        producer.send(
            f"{prefix}.{topic_for(type(each.event)).name}",
            key=record.key, value=record.value, headers=record.headers, timestamp_ms=to_ms(each.at),
        )
    producer.flush()
    producer.close()
    return History(prefix=prefix, start=start, end=start + timedelta(hours=2), timed=timed)


@pytest.fixture
def whatif_settings(settings, kafka_bootstrap, logged_history):
    settings.KAFKA_BOOTSTRAP_SERVERS = kafka_bootstrap
    settings.WHATIF_TOPIC_PREFIX = logged_history.prefix
    return settings


@pytest.fixture
def celery_eager():
    """Tasks run in this process when queued, as a worker would run them."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture
def person(django_user_model):
    def make(prefix: str, **fields):
        name = f"{prefix}-{uuid.uuid4().hex[:8]}"
        return django_user_model.objects.create_user(username=name, email=f"{name}@example.test", **fields)  # no password: force_login, no hashing

    return make


@pytest.fixture
def staff_client(person) -> Client:
    client = Client()
    client.force_login(person("staff", is_staff=True))
    return client
