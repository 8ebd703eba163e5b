"""One bad record never stops a processor; a database away for a while loses and dead-letters nothing.

The projector runs as deployed (a `runprocessor` subprocess, under a name of its own, its offsets in
PostgreSQL its own too), writing to the real test database:
- a listing PostgreSQL refuses (a trigger raises a DataError for it, as a too-long column did)
  fails its batch twice; the batch is then applied record by record, the listing is dead-lettered
  with PostgreSQL's error and shown on the ops page, and the listing published right after it
  is on the site within 10 s;
- the projector's link to PostgreSQL is cut for 20 s while listings keep coming: it waits and
  retries, nothing is dead-lettered, and every listing arrives once the link is back.

A sink processor stores the offset after the last record it read: a partition that ends in a
transaction's marker (a transactional processor's dead letter, as earlier tests leave them) ends one
past what it ever stores. So waits for a sink processor are for the records read, not for end offsets.
"""
import threading
import time
import uuid

import pytest
from django.db import connection
from django.test import Client
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from auction.catalog.models import Item
from auction.catalog.services import item_put_up
from auction.ops.models import DeadLetter
from auction.processors import processor_named
from streams.money import Money
from streams.runtime.deadletter import record_dead_letter
from streams.runtime.run import isolated
from streams.topics import DEAD_LETTER_TOPIC, ITEMS_TOPIC
from tests.integration.conftest import ProcessorProcess, start_at_log_end
from tests.integration.faults import CuttableLink
from tests.support.waiting import eventually

pytestmark = pytest.mark.django_db(transaction=True)


def _listing(seller, title: str):
    return item_put_up(
        seller=seller, title=title, description="As found.", category="home", image_urls=[], location="York",
        starting_price=Money.parse("10.00", "EUR"), reserve_price=None, buy_now_price=None, duration_seconds=3600,
    ).event


def _own_projector(processor_env, tmp_path, **env) -> ProcessorProcess:
    """The projector under a name of its own, starting where the log ends now."""
    env = {**processor_env, "STREAMS_NAME_SUFFIX": f"bad-{uuid.uuid4().hex[:8]}", **env}
    start_at_log_end("projector", env)
    return ProcessorProcess("projector", env, tmp_path / "projector.log")


def _records_since(bootstrap: str, since: dict[TopicPartition, int]) -> list:
    """Every committed record from `since` to where each partition ends now."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, isolation_level="read_committed", enable_auto_commit=False)
    try:
        partitions = list(since)
        consumer.assign(partitions)
        for tp, offset in since.items():
            consumer.seek(tp, offset)
        ends = consumer.end_offsets(partitions)
        records = []
        while any(consumer.position(tp) < ends[tp] for tp in partitions):
            for batch in consumer.poll(timeout_ms=200).values():
                records += batch
        return records
    finally:
        consumer.close()


def _dead_letters_from(bootstrap: str, group: str, since: dict) -> list:
    return [r for r in _records_since(bootstrap, since) if dict(r.headers).get("dlq.processor") == group.encode()]


def _end_offsets(bootstrap: str, topic: str) -> dict[TopicPartition, int]:
    """Where each partition of `topic` ends now (read_committed): what is published later comes after."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, isolation_level="read_committed")
    try:
        return consumer.end_offsets([TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)])
    finally:
        consumer.close()


def _past(records: list) -> dict[TopicPartition, int]:
    """Per partition, the offset after the last of `records`: where a sink processor that read them stores.

    Not the partition's end offset: a transaction's marker takes the offset after its records but is
    no record, so a partition ending in one ends one past anything its readers ever store."""
    past: dict[TopicPartition, int] = {}
    for record in records:
        tp = TopicPartition(record.topic, record.partition)
        past[tp] = max(past.get(tp, 0), record.offset + 1)
    return past


def _wait_committed(process: ProcessorProcess, offsets: dict[TopicPartition, int], what: str) -> None:
    """Until the PostgreSQL-writing processor has committed (its sink's offsets, under its own name) up to `offsets`."""
    sink = isolated(processor_named(process.name), process.env["STREAMS_NAME_SUFFIX"]).sink
    eventually(lambda: all(sink.load_offsets(list(offsets)).get(tp, 0) >= at for tp, at in offsets.items()),
               timeout_s=60, what=what)


def _dead_letter_offsets(bootstrap: str) -> dict:
    return _end_offsets(bootstrap, DEAD_LETTER_TOPIC)


@pytest.fixture
def dead_letters_ending_in_markers(kafka_bootstrap, provisioned_topics) -> None:
    """Every partition of the dead-letter topic ends in a transaction's marker, as a transactional processor's
    dead letter leaves it (earlier tests' do; which partitions, the suite's order decides)."""
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, transactional_id=f"bad-records-{uuid.uuid4().hex[:8]}")
    try:
        producer.init_transactions()
        producer.begin_transaction()
        for tp in _end_offsets(kafka_bootstrap, DEAD_LETTER_TOPIC):
            letter = record_dead_letter(
                DEAD_LETTER_TOPIC, "bad-records-test", topic="bad-records-test", partition=0, offset=tp.partition,
                key=uuid.uuid4().hex.encode(), value=b"{}", headers=[], error=ValueError("a transactional letter"),
            )
            producer.send(DEAD_LETTER_TOPIC, key=letter.key, value=letter.value, headers=list(letter.headers),
                          partition=tp.partition)
        producer.commit_transaction()
    finally:
        producer.close()


@pytest.fixture
def refused_title():
    """A title PostgreSQL refuses in the items table, with the error a too-long column gives."""
    title, tag = f"Poison {uuid.uuid4().hex[:8]}", f"poison_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""CREATE FUNCTION {tag}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
                  IF NEW.title = '{title}' THEN
                    RAISE EXCEPTION 'value too long for type character varying(120)' USING ERRCODE = '22001';
                  END IF;
                  RETURN NEW;
                END $$;
                CREATE TRIGGER {tag} BEFORE INSERT OR UPDATE ON catalog_item FOR EACH ROW EXECUTE FUNCTION {tag}();"""
        )
    yield title
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER {tag} ON catalog_item; DROP FUNCTION {tag}();")


def test_a_record_the_database_refuses_is_dead_lettered_and_the_next_listing_shows_within_10_s(
    processor_env, provisioned_topics, kafka_bootstrap, django_user_model, refused_title, start_processor, tmp_path,
    dead_letters_ending_in_markers,
):
    seller = django_user_model.objects.create_user(username=f"seller-{uuid.uuid4().hex[:8]}")
    staff = Client()
    staff.force_login(django_user_model.objects.create_user(username=f"staff-{uuid.uuid4().hex[:8]}", is_staff=True))
    dead_letters = start_processor("dead-letters")
    dead_letters_before = _dead_letter_offsets(kafka_bootstrap)
    projector = _own_projector(processor_env, tmp_path).start()
    items_before = _end_offsets(kafka_bootstrap, ITEMS_TOPIC)
    try:
        poison = _listing(seller, refused_title)
        published_at = time.monotonic()
        fine = _listing(seller, "Brass kettle")
        eventually(lambda: Item.objects.filter(pk=fine.item_id).exists(), timeout_s=10,
                   what="the listing after the refused one, on the site")
        print(f"the next listing was on the site {time.monotonic() - published_at:.1f} s after the refused one")

        group = f"projector-{projector.env['STREAMS_NAME_SUFFIX']}"
        # Every dead letter of the refused listing is produced before the projector commits past it: once it
        # has, the dead-letter topic holds them all, and once the dead-letters processor has read the topic
        # to its last record, the ops page lists them all.
        _wait_committed(projector, _past(_records_since(kafka_bootstrap, items_before)), "the projector past both listings")
        letters = _records_since(kafka_bootstrap, dead_letters_before)
        _wait_committed(dead_letters, _past(letters), "the dead letters read")
        assert [bytes(r.key) for r in letters if dict(r.headers).get("dlq.processor") == group.encode()] == [
            poison.item_id.encode()
        ]
        [letter] = DeadLetter.objects.filter(processor=group)
        assert bytes(letter.key) == poison.item_id.encode() and letter.origin_topic == ITEMS_TOPIC
        assert "value too long" in letter.error and letter.error_type == "PoisonedRecord"
        assert not Item.objects.filter(pk=poison.item_id).exists()
        shown = staff.get("/ops/api/dead-letters").json()["dead_letters"]
        assert [row["error"] for row in shown if row["id"] == letter.pk] == [letter.error]
        assert projector.proc.poll() is None
    finally:
        projector.stop()


def test_postgresql_away_for_20_s_under_load_loses_nothing_and_dead_letters_nothing(
    processor_env, provisioned_topics, kafka_bootstrap, django_user_model, tmp_path
):
    settings_dict = connection.settings_dict
    link = CuttableLink(settings_dict["HOST"], int(settings_dict["PORT"]))
    url = f"postgres://{settings_dict['USER']}@127.0.0.1:{link.port}/{settings_dict['NAME']}"
    projector = _own_projector(processor_env, tmp_path, DATABASE_URL=url)
    group = f"projector-{projector.env['STREAMS_NAME_SUFFIX']}"
    dead_letters_before = _dead_letter_offsets(kafka_bootstrap)
    seller = django_user_model.objects.create_user(username=f"seller-{uuid.uuid4().hex[:8]}")
    published: list[str] = []
    projector.start()
    try:
        stop = threading.Event()

        def load() -> None:
            while not stop.is_set():
                published.append(_listing(seller, f"Lot {len(published)}").item_id)
                time.sleep(0.1)

        loader = threading.Thread(target=load)
        loader.start()
        time.sleep(4)
        link.cut()
        print(f"cut the projector's link to PostgreSQL after {len(published)} listings")
        time.sleep(20)
        assert projector.proc.poll() is None, "the projector died while PostgreSQL was away"
        link.restore()
        time.sleep(4)
        stop.set()
        loader.join()
        restored_at = time.monotonic()
        eventually(lambda: Item.objects.filter(pk__in=published).count() == len(published), timeout_s=60,
                   what="every listing published during the outage")
        print(f"{len(published)} listings, all projected {time.monotonic() - restored_at:.1f} s after the load ended")
        assert projector.proc.poll() is None
    finally:
        projector.stop()
        link.close()
    assert _dead_letters_from(kafka_bootstrap, group, dead_letters_before) == []
