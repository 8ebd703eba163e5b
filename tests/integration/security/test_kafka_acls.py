"""The platform's clients work against Kafka with SASL/SCRAM over TLS and ACLs, and the ACLs are real.

The bidding processor runs in its own process as the principal `bidding` (exactly-once, with
transactions) and decides a bid the web tier's publisher, as `web`, put on the log; writes the
ACLs do not grant are refused by the broker, and clients that cannot authenticate get nowhere.
"""
from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
from kafka.errors import KafkaTimeoutError, TopicAuthorizationFailedError, TransactionalIdAuthorizationFailedError
from kafka.structs import TopicPartition

import auction.publishing as publishing
from streams import kafka_clients
from streams.events import BidAccepted, decode
from streams.topics import BIDS_HISTORY_TOPIC, ITEMS_TOPIC
from tests.integration.readiness import free_port, wait_holding
from tests.support.auctions import publish_bid, publish_listing
from tests.support.waiting import eventually

ROOT = Path(__file__).resolve().parents[3]
START_TIMEOUT_S = 120
READ_TIMEOUT_S = 30
SELLER = SimpleNamespace(pk=1, username="seller")
BIDDER = SimpleNamespace(pk=2, username="bidder")


@pytest.fixture
def web_publisher(secured_platform, settings):
    """The site's own publisher (`auction.publishing`), connected as the principal `web`."""
    settings.KAFKA_BOOTSTRAP_SERVERS = secured_platform.bootstrap
    settings.KAFKA_SECURITY = secured_platform.principals["web"]
    saved, publishing._producer = publishing._producer, None
    yield publishing
    if publishing._producer is not None:
        publishing._producer.close(timeout=5)
    publishing._producer = saved


@pytest.fixture(scope="module")
def bidding_processor(secured_platform, tmp_path_factory):
    """`python -m streams.runtime.run` of the bidding processor, as `bidding`, from the environment alone."""
    port = free_port()
    log_path = tmp_path_factory.mktemp("secure-bidding") / "bidding.log"
    inherited = {key: value for key, value in os.environ.items()
                 if not key.startswith(("KAFKA_", "STREAMS_"))}
    env = {**inherited, **secured_platform.env("bidding"), "PYTHONUNBUFFERED": "1"}
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "streams.runtime.run", "streams.processors.bidding:processor",
             "--metrics-port", str(port)],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        wait_holding(port, process, START_TIMEOUT_S, what=f"the bidding processor as User:bidding (log: {log_path})")
        yield process
    finally:
        process.terminate()
        process.wait(30)


def _decisions(secure, item_id: str) -> list:
    """Every committed decision about `item_id`, read as the admin."""
    consumer = kafka_clients.consumer(secure.bootstrap, security=secure.admin, isolation_level="read_committed",
                                      enable_auto_commit=False)
    try:
        partitions = [TopicPartition(BIDS_HISTORY_TOPIC, n) for n in consumer.partitions_for_topic(BIDS_HISTORY_TOPIC)]
        consumer.assign(partitions)
        consumer.seek_to_beginning()
        ends = consumer.end_offsets(partitions)
        records = []
        deadline = time.monotonic() + READ_TIMEOUT_S
        while any(consumer.position(tp) < ends[tp] for tp in partitions):
            assert time.monotonic() < deadline, f"could not read {BIDS_HISTORY_TOPIC} to its end in {READ_TIMEOUT_S} s"
            for batch in consumer.poll(timeout_ms=500).values():
                records += batch
    finally:
        consumer.close()
    return [decode(r.headers, r.key, r.value).event for r in records if r.key == item_id.encode()]


def test_a_processor_running_as_its_own_principal_decides_what_the_web_tier_published(
    secured_platform, bidding_processor, web_publisher
):
    item_id = publish_listing(SELLER, title="Brass telescope", ends_in_s=600, starting=20_00)
    publish_bid(item_id, BIDDER, 25_00)

    [decision] = eventually(lambda: _decisions(secured_platform, item_id), timeout_s=60,
                            what="the bidding processor's decision on the bid")
    assert isinstance(decision, BidAccepted)
    assert decision.amount.minor == 25_00


def test_the_web_tier_cannot_write_a_decision(secured_platform, web_publisher):
    with pytest.raises(publishing.PublishUnavailable) as refused:
        web_publisher.send_record(BIDS_HISTORY_TOPIC, key=str(uuid.uuid4()).encode(), value=b"{}", headers=[]).result()
    assert isinstance(refused.value.__cause__, TopicAuthorizationFailedError)


def test_a_processor_cannot_write_a_topic_it_does_not_own_nor_take_another_processors_transactions(secured_platform):
    bidding = secured_platform.principals["bidding"]
    producer = kafka_clients.producer(secured_platform.bootstrap, security=bidding, acks="all")
    try:
        with pytest.raises(TopicAuthorizationFailedError):
            producer.send(ITEMS_TOPIC, key=b"forged", value=b"a listing").get(timeout=30)
    finally:
        producer.close(timeout=5)
    transactional = kafka_clients.producer(secured_platform.bootstrap, security=bidding, transactional_id="projector-0")
    try:
        with pytest.raises(TransactionalIdAuthorizationFailedError):
            transactional.init_transactions()
    finally:
        transactional.close(timeout=5)


@pytest.mark.parametrize(
    ("who", "protocol", "refusal_in_broker_log", "refusal_in_client_log"),
    [
        # SCRAM fails: the broker refuses the credentials (and answers with an error that the client may or
        # may not read before the connection closes, so the broker's own log is the witness).
        ("a wrong password", "SASL_SSL", "due to invalid credentials with SASL mechanism SCRAM-SHA-512", None),
        # TLS works and the broker answers ApiVersions, then drops the connection at the first real request.
        ("no authentication (TLS only)", "SSL", None, "Bootstrap attempt to bootstrap-0 failed: KafkaConnectionError"),
    ],
)
def test_a_client_that_does_not_authenticate_is_refused(
    secured_platform, caplog, who, protocol, refusal_in_broker_log, refusal_in_client_log
):
    web = secured_platform.principals["web"]
    security = kafka_clients.ClientSecurity(protocol=protocol, username="web", password="not-" + web.password,
                                            ssl_cafile=web.ssl_cafile)
    caplog.set_level(logging.WARNING, logger="kafka")
    logged_before = secured_platform.log_file.stat().st_size
    # Several attempts, not one: on a busy machine an attempt can end in a bare disconnect before the
    # client reads the broker's answer.
    with pytest.raises(KafkaTimeoutError, match="Unable to bootstrap"):
        kafka_clients.admin(secured_platform.bootstrap, security=security, bootstrap_timeout_ms=15_000)
    if refusal_in_broker_log:
        with secured_platform.log_file.open() as log:
            log.seek(logged_before)
            assert refusal_in_broker_log in log.read(), who
    if refusal_in_client_log:
        assert refusal_in_client_log in caplog.text, who
