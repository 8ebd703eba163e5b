"""/healthz tells the truth about each dependency and each watched processor, and answers within about 3 s.

No shared server is ever stopped: Kafka being unreachable is shown by pointing the probe at a
closed port, a processor not running by pointing its target at one; states a real processor
reaches only by accident (no partitions held, aborting again and again, hanging) come from a
stand-in answering the status contract. Real processors show the healthy case and the stopped one.
"""
import subprocess
import sys
import time
import uuid

import pytest

from auction.health import checks
from auction.health.kafka_admin import ADMIN
from auction.health.report import CACHE
from auction.ops.topology import deployed
from tests.integration.conftest import ROOT, ProcessorProcess, start_at_log_end
from tests.integration.ops.status_server import HEALTHY, StatusServer
from tests.integration.readiness import free_port
from tests.support.waiting import eventually

pytestmark = pytest.mark.django_db
DEPENDENCIES_OK = {"kafka": "ok", "postgres": "ok", "redis": "ok"}
ANSWER_WITHIN_S = 3.5
SETTLE_TIMEOUT_S = 90


@pytest.fixture(autouse=True)
def health_settings(settings, kafka_bootstrap):
    settings.KAFKA_BOOTSTRAP_SERVERS = kafka_bootstrap
    settings.HEALTH_KAFKA_BOOTSTRAP_SERVERS = ""
    settings.OPS_METRICS_TARGETS = {}  # each test says which processors it watches
    CACHE.forget()
    checks.KAFKA.forget()
    yield settings
    CACHE.forget()
    checks.KAFKA.forget()


def _group(name: str) -> str:
    """The consumer group a processor's instances answer as here (suffixed when STREAMS_NAME_SUFFIX is set)."""
    return dict((n, p.name) for n, p in deployed())[name]


def _healthz(client) -> tuple[int, dict, float]:
    started = time.monotonic()
    response = client.get("/healthz")
    return response.status_code, response.json(), time.monotonic() - started


def _closed_url() -> str:
    return f"http://127.0.0.1:{free_port()}/metrics"


def test_healthz_is_ok_when_every_server_is_up_and_no_processor_is_watched(client):
    status, body, _ = _healthz(client)

    assert status == 200
    assert body == {"status": "ok", "failing": [], "dependencies": DEPENDENCIES_OK, "processors": {}}


def test_healthz_names_kafka_when_its_probe_cannot_reach_the_broker_and_recovers(client, settings):
    settings.HEALTH_KAFKA_BOOTSTRAP_SERVERS = f"127.0.0.1:{free_port()}"  # nothing listens there
    status, down, took = _healthz(client)

    settings.HEALTH_KAFKA_BOOTSTRAP_SERVERS = ""
    up_status, up, _ = _healthz(client)

    assert status == 503 and took < ANSWER_WITHIN_S
    assert down["status"] == "failing"
    assert down["dependencies"]["kafka"].startswith("error: ")
    assert down["dependencies"]["postgres"] == "ok" and down["dependencies"]["redis"] == "ok"
    assert down["failing"] == [f"kafka: {down['dependencies']['kafka']}"]
    assert up_status == 200 and up["dependencies"] == DEPENDENCIES_OK


def test_a_processor_that_is_not_running_fails_health_by_name(client, settings):
    with StatusServer({**HEALTHY, "processor": _group("bidding")}) as bidding:
        settings.OPS_METRICS_TARGETS = {"bidding": bidding.metrics_url, "projector": _closed_url()}
        status, body, _ = _healthz(client)

    assert status == 503
    assert body["failing"] == ["projector: no live instance (none of 1 answers)"]
    projector = body["processors"]["projector"]
    assert (projector["status"], projector["instances_alive"], projector["instances_configured"]) == ("failing", 0, 1)
    assert projector["instances"][0]["error"] == "not answering (connection refused)"
    assert body["processors"]["bidding"]["status"] == "ok"
    assert body["dependencies"] == DEPENDENCIES_OK


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        pytest.param({"tasks_held": [], "partitions_held": [], "ready": False}, "holds 0 of 6 partitions", id="no partitions"),
        pytest.param({"tasks_held": [0, 1, 2, 3]}, "holds 4 of 6 partitions (not held: 4, 5)", id="some partitions"),
        pytest.param({"aborts_in_a_row": 4, "ready": False},
                     "keeps aborting: 4 transactions aborted in a row (instance stand-in)", id="aborting"),
        pytest.param({"alive": False, "ready": False}, "no live instance (1 of 1 answer, none alive)", id="not alive"),
    ],
)
def test_a_processor_answering_that_it_is_stuck_fails_health_by_name(client, settings, answer, reason):
    with StatusServer({**HEALTHY, "processor": _group("projector"), **answer}) as projector:
        settings.OPS_METRICS_TARGETS = {"projector": (projector.metrics_url,)}
        status, body, _ = _healthz(client)

    assert status == 503
    assert body["failing"] == [f"projector: {reason}"]
    assert body["processors"]["projector"]["failing"] == [reason]


def test_instances_of_a_processor_are_judged_together(client, settings):
    group = _group("projector")
    first = StatusServer({**HEALTHY, "processor": group, "instance": "a", "tasks_held": [0, 1, 2], "lag": 3})
    second = StatusServer({**HEALTHY, "processor": group, "instance": "b", "tasks_held": [3, 4, 5], "lag": 4})
    try:
        settings.OPS_METRICS_TARGETS = {"projector": f"{first.metrics_url}|{second.metrics_url}|{_closed_url()}"}
        status, body, _ = _healthz(client)
    finally:
        first.close()
        second.close()

    assert status == 200, body
    projector = body["processors"]["projector"]
    assert (projector["instances_alive"], projector["instances_configured"]) == (2, 3)
    assert projector["tasks_held"] == [0, 1, 2, 3, 4, 5] and projector["task_count"] == 6
    assert projector["lag"] == 7


def test_healthz_answers_within_seconds_whatever_hangs_and_a_burst_costs_one_round(client, settings):
    with StatusServer({**HEALTHY, "processor": _group("projector")}, delay_s=30) as hung:
        settings.OPS_METRICS_TARGETS = {"projector": hung.metrics_url}
        settings.HEALTH_KAFKA_BOOTSTRAP_SERVERS = f"127.0.0.1:{free_port()}"
        status, body, took = _healthz(client)
        burst = [_healthz(client) for _ in range(5)]
        asked = hung.asked

    assert status == 503 and took < ANSWER_WITHIN_S
    assert body["failing"][0].startswith("kafka: error: ")
    assert body["failing"][1:] == ["projector: no live instance (none of 1 answers)"]
    assert body["processors"]["projector"]["instances"][0]["error"] == "no answer within 1 s"
    assert [answer[1] for answer in burst] == [body] * 5, "the same report, kept for a second"
    assert asked == 1


def _asked_afresh(client, path: str = "/healthz"):
    """A request that cannot be answered from the kept report or the kept Kafka answer."""
    CACHE.forget()
    checks.KAFKA.forget()
    return client.get(path)


def test_healthz_and_the_ops_page_share_one_kafka_admin_client_made_again_when_it_breaks(client, django_user_model, kafka_bootstrap):
    staff = django_user_model.objects.create_user(username=f"staff-{uuid.uuid4().hex[:8]}", password=None, is_staff=True)
    client.force_login(staff)
    # A broker that has just started answers group questions only once its group coordinator has
    # loaded: wait for the ops page to answer before counting clients.
    eventually(lambda: client.get("/ops/api/overview").status_code == 200, timeout_s=60, what="the ops overview")
    ADMIN.close()  # from no client at all
    made = ADMIN.made

    statuses = [_asked_afresh(client).status_code for _ in range(3)]
    kept = ADMIN.client_of(kafka_bootstrap)
    overviews = [client.get("/ops/api/overview").status_code for _ in range(2)]

    assert statuses == [200] * 3 and overviews == [200] * 2
    assert ADMIN.made == made + 1, "one client for five requests of both pages"
    assert ADMIN.client_of(kafka_bootstrap) is kept

    kept.close()  # the kept client breaks (as when its connections go bad)
    broken = _asked_afresh(client).json()
    mended = _asked_afresh(client).json()

    assert broken["dependencies"]["kafka"].startswith("error: ")
    assert mended["dependencies"] == DEPENDENCIES_OK
    assert ADMIN.made == made + 2 and ADMIN.client_of(kafka_bootstrap) is not kept, "made again once, and kept again"


def test_the_kafka_probes_answer_is_kept_for_a_moment(client, settings):
    settings.HEALTH_KAFKA_CACHE_SECONDS = 3600
    asked = checks.KAFKA.asked

    statuses = []
    for _ in range(4):
        CACHE.forget()  # every report made anew…
        statuses.append(client.get("/healthz").status_code)

    assert statuses == [200] * 4
    assert checks.KAFKA.asked == asked + 1, "…while Kafka was asked once"


class Instance(ProcessorProcess):
    """One of several instances of a processor: its own instance id (so its own transactional id) and
    metrics port (`--metrics-port` through STREAMS_METRICS_PORT). Started without waiting: /healthz says when it is up."""

    def __init__(self, name: str, env: dict[str, str], log_path, instance_id: str) -> None:
        port = free_port()
        super().__init__(name, {**env, "STREAMS_METRICS_PORT": str(port)}, log_path)
        self.port, self.env = port, {**self.env, "STREAMS_METRICS_PORT": str(port)}
        self.instance_id, self.metrics_url = instance_id, f"http://127.0.0.1:{port}/metrics"

    def start(self, **_) -> "Instance":
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "manage.py", "runprocessor", self.name, "--instance-id", self.instance_id],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )
        return self


def _settles(client, until, what: str, running=()) -> dict:
    deadline = time.monotonic() + SETTLE_TIMEOUT_S
    while True:
        for instance in running:
            if instance.proc.poll() is not None:
                raise RuntimeError(f"{instance.instance_id} exited with {instance.proc.returncode}; see {instance.log_path}")
        status, body, took = _healthz(client)
        assert took < ANSWER_WITHIN_S
        if until(status, body):
            return body
        if time.monotonic() > deadline:
            raise AssertionError(f"/healthz never showed {what}; last: {status} {body}")
        time.sleep(0.5)


def test_real_processor_instances_are_healthy_together_and_named_once_stopped(
    client, settings, monkeypatch, processor_env, provisioned_topics, tmp_path
):
    suffix = f"h{uuid.uuid4().hex[:8]}"  # a group of its own: not the session's pipeline's
    env = {**processor_env, "STREAMS_NAME_SUFFIX": suffix}
    monkeypatch.setenv("STREAMS_NAME_SUFFIX", suffix)
    start_at_log_end("bidding", env)
    instances = [Instance("bidding", env, tmp_path / f"bidding-{n}.log", f"bidding-{n}") for n in range(2)]
    settings.OPS_METRICS_TARGETS = {"bidding": tuple(instance.metrics_url for instance in instances)}
    try:
        for instance in instances:
            instance.start()

        both = _settles(client, lambda status, body: status == 200 and body["processors"]["bidding"]["instances_alive"] == 2,
                        "both instances healthy", running=instances)
        bidding = both["processors"]["bidding"]
        assert bidding["task_count"] > 1 and bidding["tasks_held"] == list(range(bidding["task_count"]))
        assert {i["instance"] for i in bidding["instances"]} == {"bidding-0", "bidding-1"}
        assert all(i["processor"] == f"bidding-{suffix}" and i["alive"] for i in bidding["instances"])

        instances[1].stop()
        one = _settles(client, lambda status, body: status == 200 and body["processors"]["bidding"]["instances_alive"] == 1,
                       "the survivor holding every partition", running=instances[:1])
        assert one["processors"]["bidding"]["instances"][0]["tasks_held"] == list(range(bidding["task_count"]))

        instances[0].stop()
        CACHE.forget()
        status, none, _ = _healthz(client)
        assert status == 503
        assert none["failing"] == ["bidding: no live instance (none of 2 answers)"]
    finally:
        for instance in instances:
            instance.stop()
