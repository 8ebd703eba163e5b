"""How the health report is gathered: targets, /status over HTTP, deadlines, the shared Kafka client, the cache."""
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from kafka.errors import NotLeaderForPartitionError, TopicAuthorizationFailedError

from auction.health import kafka_admin
from auction.health.checks import KafkaProbe
from auction.health.kafka_admin import AdminBusy, SharedAdmin
from auction.health.report import ReportCache, gather, watched_processors
from auction.health.status import InstanceStatus, fetch_status
from auction.health.verdict import judge
from auction.ops.latency import merged
from auction.ops.targets import metrics_targets, status_url, urls_of

STATUS = {
    "processor": "bidding", "instance": "i1", "alive": True, "ready": True, "last_step_age_s": 0.1,
    "partitions_held": ["auction.bids:0"], "tasks_held": [0], "task_count": 1, "aborts_in_a_row": 0,
    "last_commit_age_s": 0.3, "lag": 0, "dead_letters": 0,
}


@pytest.mark.parametrize(
    ("metrics", "status"),
    [
        ("http://127.0.0.1:9402/metrics", "http://127.0.0.1:9402/status"),
        ("http://host:9402/metrics/", "http://host:9402/status"),
        ("http://host:9402", "http://host:9402/status"),
        ("http://host/bidding/metrics?x=1", "http://host/bidding/status"),
    ],
)
def test_the_status_url_is_next_to_the_metrics_url(metrics, status):
    assert status_url(metrics) == status


def test_targets_take_several_instances_per_processor():
    configured = {"projector": "http://a/metrics|http://b/metrics", "bidding": ("http://c/metrics",), "live": "", "x": None}

    assert metrics_targets(configured) == {"projector": ("http://a/metrics", "http://b/metrics"), "bidding": ("http://c/metrics",)}
    assert urls_of(" http://a/metrics | ") == ("http://a/metrics",)


def test_the_default_targets_are_one_instance_per_processor(settings):
    from auction.processors import PROCESSORS

    watched = watched_processors(metrics_targets(settings.OPS_METRICS_TARGETS))
    assert list(watched) == list(PROCESSORS)
    assert watched["projector"] == ("http://127.0.0.1:9402/metrics",)


def test_only_registered_processors_are_watched_in_their_registry_order():
    assert list(watched_processors({"projector": ("p",), "nonsense": ("n",), "bidding": ("b",)})) == ["bidding", "projector"]


class _Server:
    """A tiny HTTP server answering GET /status with whatever the test sets."""

    def __init__(self):
        server = self
        self.body, self.code, self.delay = json.dumps(STATUS).encode(), 200, 0.0

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                time.sleep(server.delay)
                self.send_response(server.code)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(server.body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/status"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    running = _Server()
    yield running
    running.close()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_instance_status_is_read_over_http(server):
    status = fetch_status(server.url, 1.0)

    assert status.answered and status.live and status.tasks_held == (0,)


def test_an_instance_that_cannot_be_read_says_why(server):
    assert fetch_status(f"http://127.0.0.1:{_closed_port()}/status", 1.0).error == "not answering (connection refused)"
    server.code = 404
    assert fetch_status(server.url, 1.0).error == "/status answered HTTP 404"
    server.code, server.body = 200, b"streams_records_in_total 1"
    assert fetch_status(server.url, 1.0).error.startswith("/status is not the status contract")
    server.body, server.delay = json.dumps(STATUS).encode(), 0.6
    assert fetch_status(server.url, 0.2).error == "no answer within 0.2 s"


def test_instances_are_asked_at_once_and_late_ones_do_not_hold_the_report(server):
    server.delay = 0.4
    slow_check_done = threading.Event()

    def slow_check():
        time.sleep(3)
        slow_check_done.set()
        return "ok"

    urls = tuple(server.url.replace("/status", "/metrics") for _ in range(6))
    started = time.monotonic()
    dependencies, statuses = gather({"fast": lambda: "ok", "slow": slow_check}, {"bidding": urls},
                                    scrape_timeout_s=1.0, deadline_s=1.0)
    took = time.monotonic() - started

    assert took < 1.5, "six 0.4 s answers and a 3 s probe, within the 1 s deadline"
    assert dependencies == {"fast": "ok", "slow": "error: no answer within 1 s"}
    assert [status.answered for status in statuses["bidding"]] == [True] * 6
    assert not slow_check_done.is_set()


def test_a_report_is_made_once_for_a_burst_and_again_when_old_or_configured_otherwise():
    made = []

    def make():
        time.sleep(0.2)
        made.append(1)
        return judge({"kafka": "ok"}, {})

    cache = ReportCache(make)
    threads = [threading.Thread(target=cache.get, args=("config", 5.0)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(made) == 1

    cache.get("other config", 5.0)
    assert len(made) == 2
    time.sleep(0.05)
    cache.get("other config", 0.01)
    assert len(made) == 3


class _Admin:
    def __init__(self, bootstrap, fail_on):
        self.bootstrap, self.fail_on, self.calls, self.closed = bootstrap, fail_on, 0, False

    def describe_cluster(self):
        self.calls += 1
        if self.calls in self.fail_on:
            raise ConnectionError("broker went away")
        return {}

    def close(self):
        self.closed = True


def _probe(factory, ttl_s: float = 0) -> KafkaProbe:
    return KafkaProbe(SharedAdmin(factory), ttl_s=ttl_s)


def test_the_kafka_probe_keeps_one_client_and_replaces_it_after_an_error():
    made = []

    def factory(bootstrap):
        made.append(_Admin(bootstrap, fail_on={2} if not made else set()))
        return made[-1]

    probe = _probe(factory)
    assert [probe.status("k:1") for _ in range(1)] == ["ok"]
    assert probe.status("k:1") == "error: ConnectionError"
    assert made[0].closed, "the failed client is closed and dropped"
    assert [probe.status("k:1") for _ in range(3)] == ["ok"] * 3
    assert len(made) == 2 and made[1].calls == 3

    assert probe.status("k:2") == "ok"
    assert not made[1].closed and made[2].bootstrap == "k:2", "another address, a client of its own"
    assert probe.status("k:1") == "ok" and made[1].calls == 4 and len(made) == 3


def test_the_kafka_probe_reports_a_client_that_cannot_be_made():
    def factory(bootstrap):
        raise OSError("no brokers")

    assert _probe(factory).status("k:1") == "error: OSError"


def test_the_kafka_probe_is_used_by_one_caller_at_a_time():
    inside, most = [0], [0]
    lock = threading.Lock()

    class Slow(_Admin):
        def describe_cluster(self):
            with lock:
                inside[0] += 1
                most[0] = max(most[0], inside[0])
            time.sleep(0.02)
            with lock:
                inside[0] -= 1

    probe = _probe(lambda bootstrap: Slow(bootstrap, set()))
    threads = [threading.Thread(target=probe.status, args=("k:1",)) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most[0] == 1


def test_the_kafka_probes_answer_is_kept_for_its_time_per_address():
    made = []
    probe = _probe(lambda bootstrap: made.append(_Admin(bootstrap, set())) or made[-1], ttl_s=3600)

    assert [probe.status("k:1") for _ in range(5)] == ["ok"] * 5
    assert probe.asked == 1 and made[0].calls == 1
    assert probe.status("k:2") == "ok" and probe.asked == 2
    probe.forget()
    assert probe.status("k:1") == "ok" and probe.asked == 3


def test_the_shared_admin_client_is_made_once_and_lent_to_one_caller_at_a_time():
    made = []
    shared = SharedAdmin(lambda bootstrap: made.append(_Admin(bootstrap, set())) or made[-1])
    holding, release = threading.Event(), threading.Event()

    def hold(admin):
        holding.set()
        release.wait(5)
        return admin

    holder = threading.Thread(target=shared.call, args=("k:1", hold))
    holder.start()
    holding.wait(5)
    with pytest.raises(AdminBusy):
        shared.call("k:1", lambda admin: admin.describe_cluster(), wait_s=0.05)
    release.set()
    holder.join()

    assert [shared.call("k:1", lambda admin: admin) for _ in range(3)] == [made[0]] * 3
    assert shared.made == 1 and shared.client_of("k:1") is made[0]


def test_instances_histograms_add_up_bound_by_bound():
    inf = float("inf")
    a = ((0.1, 1.0), (1.0, 3.0), (inf, 4.0))
    b = ((0.1, 2.0), (1.0, 2.0), (inf, 2.0))
    other_bounds = ((0.5, 9.0), (inf, 9.0))

    assert merged([a, None, b, other_bounds]) == ((0.1, 3.0), (1.0, 5.0), (inf, 6.0))
    assert merged([None]) is None and merged([]) is None


def test_an_unanswered_instance_is_not_live():
    assert not InstanceStatus(url="u", error="x", alive=True).live


def test_a_probe_that_raises_is_reported_not_raised():
    def broken_check():
        raise RuntimeError("bug")

    def broken_fetch(url, timeout_s):
        raise KeyError(url)

    dependencies, statuses = gather({"kafka": broken_check}, {"bidding": ("http://a/metrics",)},
                                    scrape_timeout_s=1.0, fetch=broken_fetch)

    assert dependencies == {"kafka": "error: RuntimeError"}
    assert statuses["bidding"][0].error == "KeyError" and statuses["bidding"][0].url == "http://a/status"


def test_a_retriable_kafka_error_is_asked_once_more_of_a_new_client(monkeypatch):
    """A leader that moved (a broker failed over, a topic just made): fresh metadata answers; other errors go to the caller."""
    monkeypatch.setattr(kafka_admin, "RETRY_AFTER_S", 0)
    made, errors = [], [NotLeaderForPartitionError(), NotLeaderForPartitionError(), TopicAuthorizationFailedError()]

    def factory(bootstrap):
        made.append(_Admin(bootstrap, set()))
        return made[-1]

    def ask(admin):
        admin.calls += 1
        if errors:
            raise errors.pop(0)
        return "answer"

    shared = SharedAdmin(factory)
    with pytest.raises(NotLeaderForPartitionError):  # twice in a row: the caller hears of it
        shared.call("k:1", ask)
    assert len(made) == 2 and made[0].closed and made[1].closed
    with pytest.raises(TopicAuthorizationFailedError):  # not retriable: no second try
        shared.call("k:1", ask)
    assert len(made) == 3
    assert shared.call("k:1", ask) == "answer" and len(made) == 4

    errors[:] = [NotLeaderForPartitionError()]
    assert shared.call("k:1", ask) == "answer" and len(made) == 5, "retried with a new client"
