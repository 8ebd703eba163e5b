"""Everything the ops page shows about the flow of records, gathered in one pass (the page polls it).

Topology from the code, offsets and sizes from the broker, sink processors' offsets from
PostgreSQL, latencies from the processors' metrics endpoints; the pure modules (`topology`,
`lag`, `rates`, `latency`) turn them into figures. Each processor's health (instances alive,
partitions held, aborts, last commit) is the /healthz report's (`auction.health.report`): the
page and the probe share one scrape and one verdict.
"""
from __future__ import annotations

import time
from dataclasses import asdict

from django.conf import settings
from kafka.structs import TopicPartition

from auction.health.report import POOL, health_report
from auction.health.verdict import HealthReport
from auction.ops import lag, latency
from auction.ops.broker import Broker
from auction.ops.rates import rate
from auction.ops.readings import LastReadings
from auction.ops.targets import metrics_targets
from auction.ops.topology import deployed, drift, processor_info, topic_infos


def _partitions(topics, counts: dict[str, int]) -> list[TopicPartition]:
    return [TopicPartition(topic, number) for topic in topics for number in range(counts.get(topic, 0))]


def ops_overview(*, broker: Broker, readings: LastReadings, health: HealthReport | None = None) -> dict:
    processors = deployed()
    targets = metrics_targets()
    scrapes = {name: [POOL.submit(latency.scrape, url) for url in targets.get(name, ())] for name, _ in processors}
    health = health_report() if health is None else health
    infos = [processor_info(name, processor) for name, processor in processors]
    topics = topic_infos(infos)
    # What each reads as it runs here: its inputs and its own retry topic (suffixed where runs share a broker).
    inputs = {name: processor.subscriptions for name, processor in processors}
    with broker.lock:
        counts = broker.partition_counts([t.name for t in topics] + [t for read in inputs.values() for t in read])
        every = _partitions(sorted(counts), counts)
        starts, ends = broker.offsets(every, latest=False), broker.offsets(every, latest=True)
        sizes = broker.sizes(t.name for t in topics if t.name in counts)
        kafka_committed = broker.committed(info.group for info in infos if not info.sink)
        committed = {
            name: (
                dict(processor.sink.load_offsets(_partitions(inputs[name], counts)))
                if processor.sink is not None
                else kafka_committed.get(processor.name, {})
            )
            for name, processor in processors
        }
        positions = {
            name: lag.positions({tp: starts[tp] for tp in _partitions(inputs[name], counts)}, committed[name])
            for name in inputs
        }
        unread = {name: broker.unread(lag.to_probe(positions[name], ends), ends) for name in inputs}
    now = time.monotonic()
    return {
        "topics": [_topic(topic, counts, ends, sizes, readings, now) for topic in topics],
        "processors": [
            _processor(
                info, positions[info.name], committed[info.name], ends, unread[info.name], readings, now,
                health=health.processors.get(info.name),
                expositions=[text for text in (future.result() for future in scrapes[info.name]) if text],
            )
            for info in infos
        ],
        "drift": drift(infos),
        "health": {"status": "ok" if health.healthy else "failing", "failing": health.failing},
    }


def _topic(topic, counts, ends, sizes, readings: LastReadings, now: float) -> dict:
    end_total = sum(ends.get(tp, 0) for tp in _partitions([topic.name], counts))
    return {
        **asdict(topic),
        "present": topic.name in counts,
        "actual_partitions": counts.get(topic.name),
        "size_bytes": sizes.get(topic.name),
        "records": end_total,
        "records_per_second": rate(readings.swap(f"topic:{topic.name}", (now, end_total)), (now, end_total)),
    }


def _processor(info, position, committed, ends, unread, readings: LastReadings, now: float, *, health, expositions) -> dict:
    threshold = settings.OPS_LAG_THRESHOLDS.get(info.name, settings.OPS_LAG_THRESHOLD_DEFAULT)
    lags = lag.group_lag(
        processor=info.name, group=info.group, threshold=threshold,
        position=position, committed=committed, ends=ends, unread=unread,
    )
    consumed = sum(position.values())
    return {
        **asdict(info),
        "threshold": threshold,
        "lag": lags.total,
        "over_threshold": lags.over_threshold,
        "partitions": [asdict(row) for row in lags.partitions],
        "consumed_per_second": rate(readings.swap(f"group:{info.group}", (now, consumed)), (now, consumed)),
        "latency": _latency(info, readings, expositions),
        "health": None if health is None else health.as_json(),
        "failing": [] if health is None else list(health.failing),
        "red": lags.over_threshold or (health is not None and not health.healthy),
    }


def _latency(info, readings: LastReadings, expositions: list[str]) -> dict | None:
    """None when no instance of the processor has a metrics endpoint configured, or none answers.

    With several instances, their histograms are added up: the quantiles are the processor's."""
    buckets = latency.merged([latency.buckets_of(text, info.group) for text in expositions])
    if buckets is None:
        return None
    recent = latency.since(readings.swap(f"latency:{info.group}", buckets), buckets)
    return {**asdict(latency.latency(recent)), "flow": f"{', '.join(info.inputs)} → {_effects(info)}"}


def _effects(info) -> str:
    """Where a processor's work lands: its topics, its database, or side effects (pushes, say)."""
    return ", ".join(info.outputs) or ("PostgreSQL" if info.sink else "side effects")
