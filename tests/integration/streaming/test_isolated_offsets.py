"""Two copies of one PostgreSQL-writing processor, renamed for isolation (`streams.runtime.run.isolated`,
what STREAMS_NAME_SUFFIX does), keep offsets of their own: putting one at the end of the log leaves the
other where it was, and that one then projects what lies in between.

The projector, on topics of the test's own (nothing else reads them, so whatever it projects from them
is the copy's doing), run by the real runtime in a thread of the test process against the test database.
"""
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from auction.catalog.models import Item
from auction.projector import processor as projector
from streams.events import ItemListed, encode
from streams.money import Money
from streams.runtime.run import isolated
from streams.topics import ITEMS_TOPIC
from tests.integration.analytics.support import PARTITIONS, Topics, new_topics, on_topics, running
from tests.support.waiting import eventually

pytestmark = pytest.mark.django_db(transaction=True)
TIMEOUT_S = 60


def _at_log_end(bootstrap: str, processor, topics: Topics) -> dict[TopicPartition, int]:
    """The copy's sink told it has read its inputs to their ends, as `tests.integration.conftest.start_at_log_end` does."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, isolation_level="read_committed")
    try:
        ends = consumer.end_offsets([TopicPartition(topic, p) for topic in topics.inputs for p in range(PARTITIONS)])
    finally:
        consumer.close()
    on_topics(processor, topics).sink.commit([], ends)
    return ends


def _listed(bootstrap: str, topics: Topics, seller) -> tuple[ItemListed, TopicPartition, int]:
    now = timezone.now()
    event = ItemListed(
        item_id=str(uuid.uuid4()), seller_id=seller.pk, seller_name=seller.username, title="Copper kettle",
        description="", category="home", location="York", starting_price=Money.parse("10.00", "EUR"),
        starts_at=now, ends_at=now + timedelta(hours=1),
    )
    record = encode(event, source="/test")
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
    try:
        sent = producer.send(topics.name(ITEMS_TOPIC), key=record.key, value=record.value, headers=record.headers).get(30)
    finally:
        producer.close()
    return event, TopicPartition(sent.topic, sent.partition), sent.offset


def test_two_isolated_projectors_keep_their_own_offsets_and_the_one_behind_projects_from_its_own(
    kafka_bootstrap, provisioned_topics, django_user_model
):
    topics = new_topics(kafka_bootstrap)
    seller = django_user_model.objects.create_user(username=f"seller-{uuid.uuid4().hex[:8]}")
    run = uuid.uuid4().hex[:8]
    behind, ahead = isolated(projector.processor, f"behind{run}"), isolated(projector.processor, f"ahead{run}")

    _at_log_end(kafka_bootstrap, behind, topics)
    listing, tp, offset = _listed(kafka_bootstrap, topics, seller)
    ends = _at_log_end(kafka_bootstrap, ahead, topics)  # past the listing: the other copy must not follow

    assert ends[tp] > offset
    assert behind.sink.load_offsets([tp]).get(tp, 0) <= offset, "the copy behind was moved past the listing"
    with running(kafka_bootstrap, topics, behind):
        eventually(lambda: Item.objects.filter(pk=listing.item_id).exists(), timeout_s=TIMEOUT_S,
                   what="the listing, projected by the copy that was behind it")
        eventually(lambda: behind.sink.load_offsets([tp]).get(tp, 0) > offset, timeout_s=TIMEOUT_S,
                   what="the copy behind committing past the listing")
    assert dict(ahead.sink.load_offsets(list(ends))) == ends  # the other copy's position did not move either
