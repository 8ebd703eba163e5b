"""A processor's Prometheus endpoint reports what it did."""
import time
import urllib.request
from datetime import datetime, timezone

from prometheus_client.parser import text_string_to_metric_families

from tests.integration.runtime.processors import counting_copy
from tests.integration.runtime.support import create_topics, produce, read_committed, running
from tests.integration.readiness import free_port


def scrape(port: int) -> dict[tuple[str, tuple], float]:
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: dict, name: str, **labels) -> float | None:
    return samples.get((name, tuple(sorted(labels.items()))))


def test_the_metrics_endpoint_reports_records_latency_lag_state_and_rebalances(kafka_bootstrap, unique_name):
    name = unique_name("metrics")
    source, target, dead_letters = f"{name}-in", f"{name}-out", f"{name}-dlq"
    create_topics(kafka_bootstrap, [source, target, dead_letters], partitions=2)
    ce_time = datetime.now(timezone.utc).isoformat().encode()
    produce(kafka_bootstrap, source, [(b"key-%d" % (i % 10), b"%d" % i, [("ce_time", ce_time)]) for i in range(50)])
    port = free_port()

    with running(counting_copy(name, source, target, dead_letters), kafka_bootstrap, metrics_port=port):
        read_committed(kafka_bootstrap, target, expected=50, settle_s=0)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            samples = scrape(port)
            lag = [value(samples, "streams_consumer_lag", processor=name, topic=source, partition=str(p)) for p in (0, 1)]
            if lag == [0, 0] and value(samples, "streams_records_in_total", processor=name, topic=source) == 50:
                break
            time.sleep(0.2)

    assert value(samples, "streams_records_in_total", processor=name, topic=source) == 50
    assert value(samples, "streams_records_out_total", processor=name, topic=target) == 50
    assert value(samples, "streams_handler_seconds_count", processor=name) == 50
    assert value(samples, "streams_end_to_end_seconds_count", processor=name) >= 1
    assert lag == [0, 0]
    keys = [value(samples, "streams_state_keys", processor=name, store="counts", partition=str(p)) for p in (0, 1)]
    assert sum(keys) == 10
    assert value(samples, "streams_rebalances_total", processor=name, kind="assigned") >= 1
