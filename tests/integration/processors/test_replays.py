"""A replayed dead letter reaches the processor that failed it, is applied by it exactly once, and
never reaches another processor of the same topic again.

For each processor that writes PostgreSQL (projector, analytics, notifications), PostgreSQL
refuses one of its writes for one record (a trigger raising the error a too-long column gives),
so that processor alone dead-letters the record while another processor of the same topic
applies it. Then the trigger is dropped (the fix is deployed) and the dead letter is replayed
from the ops API, as an operator does: the processor applies it exactly once, also when the same
replay arrives a second time (what a replay whose database commit failed after producing leaves
behind), and the record is on its original topic once, so no other processor sees it again; the
other processor's retry topic never holds it.

Processors run as deployed (`runprocessor` subprocesses, each under a name of its own, from the
end of the log, their offsets in PostgreSQL their own too); the bidding processor and, where it is not
the one failing, the projector are the session's (`auction_pipeline`).
"""
from __future__ import annotations

import random
import uuid
from datetime import datetime, timezone

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from kafka import KafkaConsumer, TopicPartition

from auction.analytics.models import BidFact, ItemPane, ListingFact
from auction.bidding.models import Bid
from auction.catalog.models import Item
from auction.notifications.models import Notification
from auction.ops.deadletters import headers_from_json
from auction.ops.models import DeadLetter
from auction.processors import processor_named
from auction.publishing import publish, send_record
from auction.streaming.models import ConsumedOffset
from streams.events import BidPlaced
from streams.money import Money
from streams.runtime.redelivery import redelivery
from streams.runtime.run import isolated
from streams.topics import retry_topic
from tests.integration.conftest import ProcessorProcess, start_at_log_end
from tests.support.auctions import publish_listing
from tests.support.waiting import eventually

pytestmark = pytest.mark.django_db(transaction=True)
TIMEOUT_S = 60


class Refusal:
    """A trigger making PostgreSQL refuse rows of `table` matching `condition` (SQL on NEW), until dropped."""

    def __init__(self, table: str, condition: str) -> None:
        self.tag = f"refuse_{uuid.uuid4().hex[:10]}"
        self.table = table
        with connection.cursor() as cursor:
            cursor.execute(
                f"""CREATE FUNCTION {self.tag}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
                      IF {condition} THEN
                        RAISE EXCEPTION 'value too long for type character varying(120)' USING ERRCODE = '22001';
                      END IF;
                      RETURN NEW;
                    END $$;
                    CREATE TRIGGER {self.tag} BEFORE INSERT OR UPDATE ON {table} FOR EACH ROW EXECUTE FUNCTION {self.tag}();"""
            )
        self.dropped = False

    def drop(self) -> None:
        """The fix is deployed."""
        if not self.dropped:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TRIGGER {self.tag} ON {self.table}; DROP FUNCTION {self.tag}();")
            self.dropped = True


@pytest.fixture
def refuse():
    made: list[Refusal] = []

    def make(table: str, condition: str) -> Refusal:
        made.append(Refusal(table, condition))
        return made[-1]

    yield make
    for refusal in made:
        refusal.drop()


@pytest.fixture
def own(processor_env, provisioned_topics, tmp_path):
    """`own("analytics")`: that processor under a name of its own, from the end of the log; returns its group."""
    started: list[ProcessorProcess] = []

    def start(name: str) -> str:
        env = {**processor_env, "STREAMS_NAME_SUFFIX": f"rp{uuid.uuid4().hex[:8]}"}
        start_at_log_end(name, env)
        started.append(ProcessorProcess(name, env, tmp_path / f"{name}-{len(started)}.log").start())
        return f"{name}-{env['STREAMS_NAME_SUFFIX']}"

    yield start
    for process in started:
        process.stop()


@pytest.fixture
def operator(django_user_model, start_processor) -> Client:
    """A staff member's client on the ops API, with the dead-letters processor listing what fails."""
    start_processor("dead-letters")
    client = Client()
    client.force_login(django_user_model.objects.create_user(username=f"ops-{uuid.uuid4().hex[:8]}", is_staff=True))
    return client


def _person(django_user_model, prefix: str):
    name = f"{prefix}-{uuid.uuid4().hex[:8]}"
    return django_user_model.objects.create_user(
        id=random.randrange(10**8, 2**31 - 1), username=name, email=f"{name}@example.test", password=None
    )


def _letter_of(group: str) -> DeadLetter:
    return eventually(lambda: DeadLetter.objects.filter(processor=group).first(), timeout_s=TIMEOUT_S,
                      what=f"{group}'s dead letter on the ops page")


def _consumed_through(group: str, topic: str, partition: int, offset: int) -> bool:
    """Whether the processor (consumer group `name-suffix`) committed past `offset` in PostgreSQL, where its
    sink keeps its offsets under the processor's name (`isolated` renames both)."""
    name, suffix = group.rsplit("-", 1)
    consumer = isolated(processor_named(name), suffix).sink.consumer
    return ConsumedOffset.objects.filter(consumer=consumer, topic=topic, partition=partition, next_offset__gt=offset).exists()


def _replay(operator: Client, letter: DeadLetter) -> DeadLetter:
    """Replay from the ops API, and wait until the processor has committed what the replay produced."""
    response = operator.post(reverse("ops:replay"), {"ids": [letter.pk]}, content_type="application/json")
    assert response.status_code == 200 and [row["id"] for row in response.json()["replayed"]] == [letter.pk]
    letter.refresh_from_db()
    assert (letter.replayed_topic, letter.replayed_partition) == (retry_topic(letter.processor), letter.origin_partition)
    eventually(lambda: _consumed_through(letter.processor, letter.replayed_topic, letter.replayed_partition, letter.replayed_offset),
               timeout_s=TIMEOUT_S, what=f"{letter.processor} reading the replay")
    return letter


def _replay_again(letter: DeadLetter) -> None:
    """The same replay a second time, as a replay whose database commit failed after producing would leave it."""
    again = redelivery(
        retry_topic(letter.processor), topic=letter.origin_topic, partition=letter.origin_partition,
        offset=letter.origin_offset, timestamp_ms=letter.origin_timestamp, key=bytes(letter.key),
        value=bytes(letter.value), headers=headers_from_json(letter.headers),
    )
    published = send_record(
        again.topic, key=again.key, value=again.value, headers=again.headers, partition=again.partition
    ).result()
    eventually(lambda: _consumed_through(letter.processor, published.topic, published.partition, published.offset),
               timeout_s=TIMEOUT_S, what=f"{letter.processor} reading the second replay")


def _records_from(bootstrap: str, tp: TopicPartition, offset: int) -> list:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, isolation_level="read_committed", enable_auto_commit=False)
    try:
        consumer.assign([tp])
        consumer.seek(tp, offset)
        end = consumer.end_offsets([tp])[tp]
        records = []
        while consumer.position(tp) < end:
            records += consumer.poll(timeout_ms=500).get(tp, [])
        return records
    finally:
        consumer.close()


def _copies_on_its_topic(bootstrap: str, letter: DeadLetter) -> int:
    """How often the letter's record (by its ce_id) is on its original partition, from where it was first read."""
    ce_id = dict(headers_from_json(letter.headers))["ce_id"]
    records = _records_from(bootstrap, TopicPartition(letter.origin_topic, letter.origin_partition), letter.origin_offset)
    return sum(dict(record.headers).get("ce_id") == ce_id for record in records)


def _dead_letters_of(bootstrap: str, letter: DeadLetter) -> int:
    """How often the processor dead-lettered the record: a replay it did not absorb would be a second time.

    (Its letters share a partition of the dead-letter topic: they are keyed by the record's key.)"""
    records = _records_from(bootstrap, TopicPartition("auction.dead-letter", letter.partition), letter.offset)
    return sum(dict(record.headers).get("dlq.processor") == letter.processor.encode() for record in records)


def _copies_on(bootstrap: str, topic: str, letter: DeadLetter) -> int:
    """How often the letter's record (by its ce_id) is on `topic` (another processor's retry topic)."""
    ce_id = dict(headers_from_json(letter.headers))["ce_id"]
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, isolation_level="read_committed")
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        assert partitions, f"{topic} does not exist"
    finally:
        consumer.close()
    return sum(dict(record.headers).get("ce_id") == ce_id for tp in partitions for record in _records_from(bootstrap, tp, 0))


def test_a_listing_the_projector_failed_is_projected_once_and_analytics_never_sees_it_again(
    own, operator, refuse, kafka_bootstrap, django_user_model
):
    projector, analytics = own("projector"), own("analytics")  # each with offsets of its own, from the log's end
    seller = _person(django_user_model, "seller")
    title = f"Refused lamp {uuid.uuid4().hex[:8]}"
    refusal = refuse("catalog_item", f"NEW.title = '{title}'")
    item_id = publish_listing(seller, title=title, ends_in_s=3600)

    letter = _letter_of(projector)
    assert (letter.origin_topic, letter.event_type) == ("auction.items", "auction.item.listed.v1")
    eventually(lambda: ListingFact.objects.filter(pk=item_id).exists(), timeout_s=TIMEOUT_S, what="analytics' listing")
    assert not Item.objects.filter(pk=item_id).exists()

    refusal.drop()
    _replay(operator, letter)
    projected = Item.objects.get(pk=item_id)
    assert (projected.title, projected.seller_id) == (title, seller.pk)
    _replay_again(letter)
    assert list(Item.objects.filter(pk=item_id).values_list("title", "seq")) == [(title, projected.seq)]

    assert _copies_on_its_topic(kafka_bootstrap, letter) == 1
    assert _dead_letters_of(kafka_bootstrap, letter) == 1
    assert _copies_on(kafka_bootstrap, retry_topic(analytics), letter) == 0
    assert ListingFact.objects.filter(pk=item_id).count() == 1


def test_a_bid_analytics_failed_is_counted_once_in_its_window_and_the_projector_never_sees_it_again(
    own, operator, refuse, auction_pipeline, kafka_bootstrap, django_user_model
):
    analytics = own("analytics")
    seller, bidder = _person(django_user_model, "seller"), _person(django_user_model, "bidder")
    bid_id = str(uuid.uuid4())
    refusal = refuse("analytics_bidfact", f"NEW.bid_id = '{bid_id}'")
    item_id = publish_listing(seller, title="Counted clock", ends_in_s=3600)
    eventually(lambda: ListingFact.objects.filter(pk=item_id).exists(), timeout_s=TIMEOUT_S, what="analytics' listing")
    publish(BidPlaced(bid_id=bid_id, item_id=item_id, bidder_id=bidder.pk, bidder_name=bidder.username,
                      amount=Money(minor=12_00), placed_at=datetime.now(timezone.utc)))

    letter = _letter_of(analytics)
    assert (letter.origin_topic, letter.event_type) == ("auction.bids.history", "auction.bid.accepted.v1")
    eventually(lambda: Bid.objects.filter(pk=bid_id, status="accepted").exists(), timeout_s=TIMEOUT_S, what="the projected bid")
    assert not BidFact.objects.filter(pk=bid_id).exists() and not ItemPane.objects.filter(item_id=item_id, bids__gt=0).exists()

    refusal.drop()
    _replay(operator, letter)
    assert BidFact.objects.filter(pk=bid_id).count() == 1
    assert sum(ItemPane.objects.filter(item_id=item_id).values_list("bids", flat=True)) == 1
    _replay_again(letter)
    assert sum(ItemPane.objects.filter(item_id=item_id).values_list("bids", flat=True)) == 1, "the cell counted it twice"
    assert BidFact.objects.filter(pk=bid_id).count() == 1

    projector = auction_pipeline["projector"].env["STREAMS_NAME_SUFFIX"]
    assert _copies_on_its_topic(kafka_bootstrap, letter) == 1
    assert _dead_letters_of(kafka_bootstrap, letter) == 1
    assert _copies_on(kafka_bootstrap, retry_topic(f"projector-{projector}"), letter) == 0
    assert Bid.objects.filter(pk=bid_id).count() == 1


def test_a_close_notifications_failed_decides_its_emails_once_and_the_projector_never_sees_it_again(
    own, operator, refuse, auction_pipeline, kafka_bootstrap, django_user_model
):
    notifications = own("notifications")
    seller, winner = _person(django_user_model, "seller"), _person(django_user_model, "winner")
    item_id = publish_listing(seller, title="Announced vase", ends_in_s=6)
    refusal = refuse("notifications_notification", f"NEW.item_id = '{item_id}' AND NEW.kind = 'won'")
    publish(BidPlaced(bid_id=str(uuid.uuid4()), item_id=item_id, bidder_id=winner.pk, bidder_name=winner.username,
                      amount=Money(minor=15_00), placed_at=datetime.now(timezone.utc)))

    letter = _letter_of(notifications)
    assert (letter.origin_topic, letter.event_type) == ("auction.items.complete", "auction.item.closed.v1")
    eventually(lambda: Item.objects.filter(pk=item_id, status="closed").exists(), timeout_s=TIMEOUT_S, what="the projected close")
    assert not Notification.objects.filter(item_id=item_id).exists()

    refusal.drop()
    _replay(operator, letter)
    expected = [(seller.pk, "sold"), (winner.pk, "won")]
    assert sorted(Notification.objects.filter(item_id=item_id).values_list("recipient_id", "kind")) == sorted(expected)
    _replay_again(letter)
    assert sorted(Notification.objects.filter(item_id=item_id).values_list("recipient_id", "kind")) == sorted(expected)

    projector = auction_pipeline["projector"].env["STREAMS_NAME_SUFFIX"]
    assert _copies_on_its_topic(kafka_bootstrap, letter) == 1
    assert _dead_letters_of(kafka_bootstrap, letter) == 1
    assert _copies_on(kafka_bootstrap, retry_topic(f"projector-{projector}"), letter) == 0
