"""The Grafana dashboard and the Prometheus config shipped in deploy/ refer only to what the code exports."""
import json
import re
from pathlib import Path

from prometheus_client.metrics import MetricWrapperBase

from auction.ops import web_metrics
from auction.ops.celery_metrics import QueueLengthCollector
from streams.runtime.metrics import RuntimeMetrics

DEPLOY = Path(__file__).resolve().parents[3] / "deploy"
SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count"), "gauge": ("",)}
PROCESS = {"process_resident_memory_bytes", "process_cpu_seconds_total"}


def _series(metric) -> set[str]:
    return {f"{family.name}{suffix}" for family in metric.describe() for suffix in SUFFIXES[family.type]}


def exported() -> set[str]:
    runtime = RuntimeMetrics("p")
    metrics = [value for value in vars(runtime).values() if isinstance(value, MetricWrapperBase)]
    metrics += [runtime.handler_seconds, runtime.end_to_end_seconds, web_metrics.REQUESTS, web_metrics.SECONDS]
    names = set().union(*(_series(metric) for metric in metrics))
    return names | {web_metrics.DeadLetterCollector.NAME, QueueLengthCollector.NAME} | PROCESS


def test_every_dashboard_query_uses_a_metric_the_code_exports():
    dashboard = json.loads((DEPLOY / "grafana" / "auction-operations.json").read_text())
    queries = [target["expr"] for panel in dashboard["panels"] for target in panel.get("targets", [])]
    used = {name for query in queries for name in re.findall(r"\b((?:streams|auction|process)_[a-z_]+)\b", query)}
    assert used, "the dashboard queries something"
    assert used <= exported(), used - exported()


def test_prometheus_scrapes_every_metrics_port_of_the_process_set():
    programs = (DEPLOY / "supervisord.conf").read_text()
    ports = set(re.findall(r"--metrics-port (\d+)", programs)) | set(re.findall(r'CELERY_METRICS_PORT="(\d+)"', programs))
    scraped = set(re.findall(r"127\.0\.0\.1:(\d+)", (DEPLOY / "prometheus" / "prometheus.yml").read_text()))
    assert ports and ports <= scraped, ports - scraped
