"""The ops page's overview: topology from the code, sizes and rates from the broker, latency from the
processors' own metrics endpoints."""
import uuid
from datetime import datetime, timezone

import pytest
from django.urls import reverse
from kafka import KafkaAdminClient

from streams.runtime.deadletter import record_dead_letter
from streams.topics import REGISTRY
from tests.support.waiting import eventually
from tests.integration.runtime.support import produce

pytestmark = pytest.mark.django_db(transaction=True)
TIMEOUT_S = 30


@pytest.fixture(autouse=True)
def same_names_as_the_processors(monkeypatch, processor_env):
    monkeypatch.setenv("STREAMS_NAME_SUFFIX", processor_env["STREAMS_NAME_SUFFIX"])


def _overview(client) -> dict:
    response = client.get(reverse("ops:overview"))
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def processors_own_topics(kafka_bootstrap, provisioned_topics) -> None:
    """What each deployed processor makes of its own on start (its retry topic, under this run's names), made
    here whether or not an earlier test ran it."""
    from auction.ops.topology import deployed
    from streams.runtime.preflight import check_topics

    admin = KafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    try:
        for _, processor in deployed():
            check_topics(admin, processor)
    finally:
        admin.close()


def test_the_topology_is_the_registry_and_the_deployed_processors(staff_client, processor_env, processors_own_topics):
    overview = _overview(staff_client)
    topics = {topic["name"]: topic for topic in overview["topics"]}
    assert list(topics) == [topic.name for topic in REGISTRY]
    items = topics["auction.items"]
    assert (items["actual_partitions"], items["retention_ms"], items["cleanup_policy"]) == (6, None, "delete")
    assert "projector" in items["readers"] and "ItemListed" in items["events"] and items["size_bytes"] is not None
    assert topics["auction.dead-letter"]["readers"] == ["dead-letters"]
    processors = {p["name"]: p for p in overview["processors"]}
    suffix = processor_env["STREAMS_NAME_SUFFIX"]
    assert processors["bidding"]["group"] == f"bidding-{suffix}"
    assert processors["bidding"]["outputs"] == ["auction.bids.history", "auction.items.complete"]
    assert processors["projector"]["sink"] and len(processors["projector"]["partitions"]) == 4 * 6 + 6  # and its retry topic
    assert processors["projector"]["retry_topic"] == "projector.retry" and processors["dead-letters"]["retry_topic"] is None
    assert topics["projector.retry"]["readers"] == ["projector"] and topics["projector.retry"]["actual_partitions"] == 6


def test_latency_per_flow_comes_from_the_processors_metrics(kafka_bootstrap, start_processor, staff_client, settings):
    port = start_processor("dead-letters").port
    settings.OPS_METRICS_TARGETS = {"dead-letters": f"http://127.0.0.1:{port}/metrics"}
    _overview(staff_client)  # a first reading
    letter = record_dead_letter(
        "auction.dead-letter", "ops-latency-test", topic="ops-latency-test", partition=0, offset=0,
        key=uuid.uuid4().hex.encode(), value=b"{}", headers=[("ce_time", datetime.now(timezone.utc).isoformat().encode())],
        error=ValueError("test"),
    )
    produce(kafka_bootstrap, "auction.dead-letter", [(letter.key, letter.value, list(letter.headers))])

    def measured():
        [row] = [p for p in _overview(staff_client)["processors"] if p["name"] == "dead-letters"]
        return row["latency"] if row["latency"] and row["latency"]["count"] else None

    latency = eventually(measured, timeout_s=TIMEOUT_S, what="an end-to-end observation")
    assert 0 < latency["p50"] <= latency["p99"] < TIMEOUT_S
    assert latency["flow"] == "auction.dead-letter → PostgreSQL"


def test_a_processor_that_health_fails_is_red_whatever_its_lag(staff_client, settings):
    from auction.health.report import CACHE
    from auction.ops.topology import deployed
    from tests.integration.ops.status_server import HEALTHY, StatusServer

    group = dict((name, p.name) for name, p in deployed())["projector"]
    with StatusServer({**HEALTHY, "processor": group, "tasks_held": [], "partitions_held": [], "ready": False}) as stuck:
        settings.OPS_METRICS_TARGETS = {"projector": stuck.metrics_url}
        settings.OPS_LAG_THRESHOLDS = {"projector": 10**15}
        CACHE.forget()
        overview = _overview(staff_client)

    rows = {p["name"]: p for p in overview["processors"]}
    projector = rows["projector"]
    assert projector["red"] and not projector["over_threshold"]
    assert projector["failing"] == ["holds 0 of 6 partitions"]
    health = projector["health"]
    assert (health["status"], health["instances_alive"], health["instances_configured"]) == ("failing", 1, 1)
    assert (health["tasks_held"], health["task_count"], health["aborts_in_a_row"]) == ([], 6, 0)
    assert health["last_commit_age_s"] == HEALTHY["last_commit_age_s"]
    assert rows["bidding"]["health"] is None and rows["bidding"]["red"] == rows["bidding"]["over_threshold"]
    assert overview["health"] == {"status": "failing", "failing": ["projector: holds 0 of 6 partitions"]}
