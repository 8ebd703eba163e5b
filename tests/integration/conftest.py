"""Running the platform's stream processors as real subprocesses, against the test database.

Processors get a name suffix unique to the test run (`STREAMS_NAME_SUFFIX`), so their consumer
groups, transactional ids and changelogs are their own even on a broker other runs share.
Tests that read what a processor projected must use `transactional_db`: the processor writes
from another process, so only committed rows are visible both ways.
"""
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.integration.readiness import free_port, wait_holding

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 120


def _database_url() -> str:
    from django.db import connection

    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


class ProcessorProcess:
    """One `manage.py runprocessor NAME` subprocess; its output goes to `log_path`, its status to `port`."""

    def __init__(self, name: str, env: dict[str, str], log_path: Path) -> None:
        self.name, self.log_path = name, log_path
        self.port = int(env.get("STREAMS_METRICS_PORT") or free_port())
        self.env = {**env, "STREAMS_METRICS_PORT": str(self.port)}
        self.proc: subprocess.Popen | None = None

    def start(self, *, wait_ready: bool = True, timeout_s: float = START_TIMEOUT_S) -> "ProcessorProcess":
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "manage.py", "runprocessor", self.name],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )
        log.close()
        if wait_ready:
            self.wait_ready(timeout_s)
        return self

    def wait_ready(self, timeout_s: float = START_TIMEOUT_S) -> dict:
        """Wait until it holds every partition of its inputs (see `tests.integration.readiness`)."""
        try:
            return wait_holding(self.port, self.proc, timeout_s, what=f"processor {self.name} (log: {self.log_path})")
        except BaseException:
            self.kill()
            raise

    def stop(self, timeout_s: float = 30) -> None:
        """SIGTERM and wait: the processor finishes its transaction and leaves the group."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def kill(self) -> None:
        """SIGKILL: a crash, with whatever transaction was open left behind."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture(scope="session")
def processor_env(django_db_setup, kafka_bootstrap, tmp_path_factory) -> dict[str, str]:
    """Environment for processor subprocesses: the test database and a run-unique name suffix."""
    return {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "STREAMS_NAME_SUFFIX": f"t{uuid.uuid4().hex[:8]}",
        # Logins and sign-ups of every test come from 127.0.0.1: this run counts them under keys of its own.
        "AUCTION_THROTTLE_PREFIX": f"throttle-{uuid.uuid4().hex[:8]}",
        "STREAMS_SESSION_TIMEOUT_MS": "6000",
        # An instance at rest polls for 2 s, and a stop waits for the poll: the suite stops processors
        # many times, mostly at rest, so its instances poll as briefly at rest as when busy.
        "STREAMS_IDLE_POLL_TIMEOUT_MS": "500",
        "PYTHONUNBUFFERED": "1",
        "AUCTION_MIN_DURATION_SECONDS": "5",
        # Web servers started with this environment watch no processor in /healthz (their readiness
        # wait needs a 200); tests about processors' health set OPS_METRICS_TARGETS themselves.
        "OPS_METRICS_TARGETS": "",
    }


@pytest.fixture(scope="session")
def provisioned_topics(kafka_bootstrap) -> None:
    from streams.provisioning import ensure_topics
    from streams.topics import REGISTRY

    ensure_topics(kafka_bootstrap, REGISTRY)


@pytest.fixture
def start_processor(processor_env, provisioned_topics, tmp_path):
    """Factory: `start_processor("bidding")` runs it until the test ends (then SIGTERM)."""
    started: list[ProcessorProcess] = []

    def start(name: str, **extra_env: str) -> ProcessorProcess:
        process = ProcessorProcess(name, {**processor_env, **extra_env}, tmp_path / f"{name}-{len(started)}.log")
        started.append(process.start())
        return process

    yield start
    for process in started:
        process.stop()


def start_at_log_end(name: str, env: dict[str, str]) -> None:
    """Position a processor that has not run yet at the end of its inputs, as if it had read them.

    A processor under a fresh name would otherwise replay the whole log first; on a broker that
    other runs share that log is long, and grows with every run: each run's bidding processor
    would decide every bid of the log again, onto the shared bid history."""
    from kafka import KafkaConsumer
    from kafka.structs import OffsetAndMetadata, TopicPartition

    from auction.processors import processor_named
    from streams.runtime.run import isolated

    processor = isolated(processor_named(name), env.get("STREAMS_NAME_SUFFIX"))
    consumer = KafkaConsumer(
        bootstrap_servers=env["KAFKA_BOOTSTRAP_SERVERS"], group_id=processor.name, enable_auto_commit=False,
        isolation_level="read_committed",
    )
    try:
        ends = consumer.end_offsets(
            [TopicPartition(topic, n) for topic in processor.inputs for n in consumer.partitions_for_topic(topic)]
        )
        if processor.sink is None:
            consumer.commit({tp: OffsetAndMetadata(offset, "", -1) for tp, offset in ends.items()})
        else:
            processor.sink.commit([], ends)
    finally:
        consumer.close()


@pytest.fixture(scope="session")
def auction_pipeline(processor_env, provisioned_topics, tmp_path_factory, django_db_blocker):
    """The bidding processor and the projector, running for the whole session from where the log ends
    when it starts (tests use it for what they publish themselves)."""
    logs = tmp_path_factory.mktemp("pipeline")
    names = ("bidding", "projector")
    with django_db_blocker.unblock():  # the projector keeps its position in the test database
        for name in names:
            start_at_log_end(name, processor_env)
    processes = [ProcessorProcess(name, processor_env, logs / f"{name}.log").start() for name in names]
    yield {p.name: p for p in processes}
    for process in processes:
        process.stop()


@contextmanager
def serving_web(env: dict[str, str], log_path: Path) -> Iterator[str]:
    """The ASGI site (HTTP + websockets) on a free port with this environment; yields its base URL."""
    import urllib.request

    port = free_port()
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [
                sys.executable, "-m", "uvicorn", "auction.asgi:application", "--host", "127.0.0.1", "--port", str(port),
                "--no-proxy-headers",  # as deploy/supervisord.conf: Django decides which proxy to believe
                "--ws-per-message-deflate", "false",  # as deploy/supervisord.conf: live messages are small
            ],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=5)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(f"web server did not start; see {log_path}")
            time.sleep(0.2)
    try:
        yield url
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(15)


@pytest.fixture(scope="session")
def web_server(processor_env, provisioned_topics, tmp_path_factory) -> Iterator[str]:
    """The site on the test database, for the whole session; yields its base URL."""
    with serving_web(processor_env, tmp_path_factory.mktemp("web") / "web.log") as url:
        yield url


@pytest.fixture(scope="session")
def live_processor(processor_env, provisioned_topics, tmp_path_factory):
    """The live processor, once per session for every package that needs it (live pages, the UI checks)."""
    from tests.integration.live.support import group_at_log_end

    group_at_log_end("live", processor_env)
    process = ProcessorProcess("live", processor_env, tmp_path_factory.mktemp("live") / "live.log")
    yield process.start()
    process.stop()


@pytest.fixture
def live_pipeline(auction_pipeline, live_processor):
    """Everything from a published bid to a message on a socket."""
    return live_processor

