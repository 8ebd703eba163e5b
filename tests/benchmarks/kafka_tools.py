"""The broker's own limit here: Kafka's producer and consumer performance tools, of the broker's version.

The tools come from Maven Central like the broker (deploy/kafka/tools-pom.xml). They produce
100-byte records with `acks=all` into a fresh six-partition topic as fast as they can, then
consume them back; every Kafka figure of the other sections is bounded by these.
"""
from __future__ import annotations

import re
import subprocess
import uuid
from pathlib import Path

from kafka.admin import NewTopic

from deploy.stack.kafka_jars import REPO_ROOT, kafka_classpath
from streams import kafka_clients
from tests.benchmarks.figures import Bench, Figure

SECTION = "Broker: Kafka's own performance tools"
TOOLS_POM = REPO_ROOT / "deploy" / "kafka" / "tools-pom.xml"
RECORD_BYTES = 100
TIMEOUT_S = 300


def _tool(classpath: str, tool: str, *arguments: str) -> str:
    argv = ["java", "-Xmx512m", "-cp", classpath, f"org.apache.kafka.tools.{tool}", *arguments]
    return subprocess.run(argv, check=True, capture_output=True, text=True, timeout=TIMEOUT_S).stdout


def measure(bench: Bench) -> list[Figure]:
    records = bench.size(500_000, 20_000)
    topic = f"bench-kafka-tools-{uuid.uuid4().hex[:8]}"
    kafka_clients.admin(bench.bootstrap).create_topics([NewTopic(topic, 6, 1)])
    classpath = kafka_classpath(Path("/tmp") / "kafka-tools-maven.log", pom=TOOLS_POM)
    produced = _tool(
        classpath, "ProducerPerformance", "--topic", topic, "--num-records", str(records), "--record-size", str(RECORD_BYTES),
        "--throughput", "-1", "--command-property", f"bootstrap.servers={bench.bootstrap}", "acks=all",
    )
    summary = produced.strip().splitlines()[-1]
    produce_rate = float(re.search(r"([\d.]+) records/sec", summary).group(1))
    p99 = float(re.search(r"([\d.]+) ms 99th", summary).group(1))
    consumed = _tool(classpath, "ConsumerPerformance", "--bootstrap-server", bench.bootstrap, "--topic", topic, "--num-records", str(records))
    header, row = consumed.strip().splitlines()[-2:]
    columns = dict(zip((name.strip() for name in header.split(",")), (value.strip() for value in row.split(","))))
    bench.note(f"{records:,} records of {RECORD_BYTES} bytes, one topic of 6 partitions, acks=all.")
    return [
        Figure("kafka-producer-perf-test, records/s", produce_rate, "/s", samples=records),
        Figure("kafka-producer-perf-test, send → ack p99", p99, "ms", samples=records),
        Figure("kafka-consumer-perf-test, records/s (fetch time)", float(columns["fetch.nMsg.sec"]), "/s", samples=records),
    ]
