"""The bidding processor scaled out: decisions per second with one instance and with two, each a
process of its own, on the three-broker `cluster` profile. Prints figures, asserts nothing.

    .venv/bin/python -m tests.benchmarks --only scaling      # rewrites its section of docs/reference/performance.md
    eval "$(.venv/bin/python -m deploy.stack env --profile dev)"   # the database a standalone run needs
    .venv/bin/python tests/benchmarks/bench_scaling.py [--profile cluster] [--smoke]

Each round provisions private copies of the auction topics (replicated as the profile says),
starts N instances of the real bidding processor (`python -m streams.runtime.run
tests.integration.coreflow.private_topics:bidding`, the production declaration on the private
topics), all in one consumer group, and waits until every instance holds its share of the
partitions (read from each instance's /status), so start-up and the first rebalance are not
counted. Then it sends the workload, encoded beforehand, the same each round (listings and bids of
`tests.integration.coreflow.workload`, Nexmark-like skew); the clock runs from that send until
the group's committed offsets on the bids topic (committed in the same transaction as the
decisions) reach the last bid. The one-instance round is the baseline.

Instances share work by partitions (six), so a second instance can at best double the rate; on
this 2-core machine the broker(s), the other instance and this script take the same cores.
In smoke mode (CI) the rounds run on the harness's own single broker with a few thousand bids.
"""
from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from kafka import KafkaAdminClient, KafkaProducer  # noqa: E402

from streams.events import EncodedRecord, encode  # noqa: E402
from streams.topics import BIDS_TOPIC, DEAD_LETTER_TOPIC, MIN_INSYNC_VARIABLE, REPLICATION_VARIABLE, topic_for  # noqa: E402
from tests.benchmarks.bench_bidding import end_offsets  # noqa: E402
from tests.benchmarks.figures import Bench, Figure  # noqa: E402
from tests.benchmarks.harness import stack, stack_exports  # noqa: E402
from tests.benchmarks.servers import print_figures  # noqa: E402
from tests.integration.coreflow.private_topics import PREFIX_VARIABLE, private, provision  # noqa: E402
from tests.integration.coreflow.workload import auction_workload  # noqa: E402
from tests.integration.readiness import free_port, status  # noqa: E402

SECTION = "Bidding processor, scaled out"
ROOT = Path(__file__).resolve().parents[2]
PROCESSOR = "tests.integration.coreflow.private_topics:bidding"
START_TIMEOUT_S = 120
RUN_TIMEOUT_S = 600


def without_harness_servers() -> dict[str, str]:
    """This process's environment without the harness's own servers: deploy.stack would take them for
    external servers of the cluster profile."""
    return {name: value for name, value in os.environ.items()
            if name not in ("KAFKA_BOOTSTRAP_SERVERS", "DATABASE_URL", "REDIS_URL", REPLICATION_VARIABLE, MIN_INSYNC_VARIABLE)}


def committed(admin: KafkaAdminClient, group: str, topic: str) -> int:
    """Bids the group has committed past: its transactions commit offsets with their decisions."""
    offsets = admin.list_group_offsets([group]).get(group, {})
    return sum(meta.offset for tp, meta in offsets.items() if tp.topic == topic and meta.offset >= 0)


def send(bootstrap: str, records: list[tuple[str, EncodedRecord]]) -> None:
    """The workload's records, encoded beforehand, as fast as the broker takes them (the processors start on the first)."""
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=10, batch_size=256 * 1024)
    for topic, record in records:
        producer.send(topic, key=record.key, value=record.value, headers=record.headers)
    producer.flush()
    producer.close()


def held(ports: list[int]) -> tuple[int, int] | None:
    """(tasks held by all instances together, tasks there are), once every instance holds some; else None."""
    readings = [status(port) for port in ports]
    if any(not reading or not reading["tasks_held"] for reading in readings):
        return None
    return sum(len(reading["tasks_held"]) for reading in readings), readings[0]["task_count"]


def round_of(instances: int, *, env: dict[str, str], bids: int, items: int, log_dir: Path) -> tuple[float, int]:
    """(decisions per second of `instances`, from the first record sent to the last bid committed; records dead-lettered)."""
    bootstrap = env["KAFKA_BOOTSTRAP_SERVERS"]
    prefix = f"bench-scaling-{uuid.uuid4().hex[:8]}"
    saved = {name: os.environ.get(name) for name in (REPLICATION_VARIABLE, MIN_INSYNC_VARIABLE)}
    os.environ.update({name: env[name] for name in saved if name in env})
    try:
        provision(bootstrap, prefix)
    finally:
        for name, value in saved.items():
            os.environ.pop(name, None) if value is None else os.environ.__setitem__(name, value)
    now = datetime.now(timezone.utc)
    events = auction_workload(random.Random(7), items=items, bids=bids, now=now, ends_at=now + timedelta(hours=1))
    records = [(private(prefix, topic_for(type(event)).name), encode(event, source="/tests/benchmarks")) for event in events]
    topic = private(prefix, BIDS_TOPIC)
    ports = [free_port() for _ in range(instances)]
    child_env = {**os.environ, **env, PREFIX_VARIABLE: prefix}
    processes = [
        subprocess.Popen([sys.executable, "-m", "streams.runtime.run", PROCESSOR, "--bootstrap-servers", bootstrap,
                          "--metrics-port", str(port)], cwd=ROOT, env=child_env,
                         stdout=open(log_dir / f"{prefix}-{n}.log", "wb"), stderr=subprocess.STDOUT)
        for n, port in enumerate(ports)
    ]
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    group = f"bidding-{prefix}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while (holding := held(ports)) is None or holding[0] < holding[1]:
            if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
                raise RuntimeError(f"{instances} instance(s) did not hold every partition; logs in {log_dir}")
            time.sleep(0.05)
        started = time.perf_counter()
        send(bootstrap, records)
        deadline = time.monotonic() + RUN_TIMEOUT_S
        while (done := committed(admin, group, topic)) < bids:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{done:,} of {bids:,} bids decided after {RUN_TIMEOUT_S} s; logs in {log_dir}")
            time.sleep(0.05)
        return bids / (time.perf_counter() - started), end_offsets(bootstrap, private(prefix, DEAD_LETTER_TOPIC))
    finally:
        admin.close()
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


def measure(bench: Bench, *, profile: str = "cluster") -> list[Figure]:
    if bench.smoke:
        return rounds(bench, {"KAFKA_BOOTSTRAP_SERVERS": bench.bootstrap}, "the harness's single broker (smoke)")
    own = without_harness_servers()
    already_up = " running " in stack("status", profile, own)
    env = stack_exports(profile, own)
    try:
        return rounds(bench, env, f"the `{profile}` profile ({env['KAFKA_BOOTSTRAP_SERVERS']})")
    finally:
        if not already_up:  # the benchmarks after this one run beside no idle brokers
            stack("down", profile, own)


def rounds(bench: Bench, env: dict[str, str], where: str) -> list[Figure]:
    bids, items = bench.size(60_000, 3_000), bench.size(600, 60)
    log_dir = Path(os.environ.get("AUCTION_DATA_DIR", ROOT / "var")) / "bench-scaling"
    log_dir.mkdir(parents=True, exist_ok=True)
    one, failed_one = round_of(1, env=env, bids=bids, items=items, log_dir=log_dir)
    two, failed_two = round_of(2, env=env, bids=bids, items=items, log_dir=log_dir)
    bench.note(
        f"{items:,} listings and {bids:,} bids per round on {where}; six partitions; each instance a process of its "
        "own, all holding their partitions before the first record is sent; the clock runs from that send to the "
        "group's last committed bid offset; the machine's two cores also run the broker(s) and this script's producer"
    )
    return [
        Figure("decisions per second, 1 instance", one, "decisions/s", samples=bids, failures=failed_one),
        Figure("decisions per second, 2 instances", two, "decisions/s", samples=bids, failures=failed_two,
               goal="grows with instances until the cores are full",
               baseline="1 instance, same run", baseline_value=one),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", default="cluster")
    parser.add_argument("--smoke", action="store_true")
    options = parser.parse_args()
    from tests.benchmarks.servers import bench_from_environment

    bench = bench_from_environment(smoke=options.smoke)
    print_figures(measure(bench, profile=options.profile), bench)


if __name__ == "__main__":
    main()
