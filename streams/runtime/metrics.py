"""Prometheus metrics of one processor instance, in a registry of its own.

Hot-path updates are made per batch, not per record, wherever the figure allows it: counts
are summed per topic before `inc`, end-to-end latency is sampled from the last record of each
partition in a batch, and lag and state size are refreshed once a second.
"""
from __future__ import annotations

from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)


class RuntimeMetrics:
    def __init__(self, processor: str) -> None:
        self.registry = CollectorRegistry()
        labels = {"registry": self.registry, "namespace": "streams"}
        self.records_in = Counter("records_in", "Input records handled", ["processor", "topic"], **labels)
        self.records_out = Counter("records_out", "Records produced by handlers", ["processor", "topic"], **labels)
        self.handler_seconds = Histogram(
            "handler_seconds", "Time a handler takes per record", ["processor"], buckets=LATENCY_BUCKETS, **labels
        ).labels(processor)
        self.end_to_end_seconds = Histogram(
            "end_to_end_seconds",
            "From an input event's ce_time to the commit of its effects (sampled per partition and batch)",
            ["processor"],
            buckets=LATENCY_BUCKETS,
            **labels,
        ).labels(processor)
        self.consumer_lag = Gauge("consumer_lag", "Records not yet consumed", ["processor", "topic", "partition"], **labels)
        self.state_keys = Gauge("state_keys", "Keys held in a state store", ["processor", "store", "partition"], **labels)
        self.dead_letters = Counter(
            "dead_letters", "Records sent to the dead-letter topic", ["processor", "error_type"], **labels
        )
        self.rebalances = Counter("rebalances", "Partitions assigned, revoked or lost", ["processor", "kind"], **labels)
        self.transaction_aborts = Counter("transaction_aborts", "Transactions aborted", ["processor", "reason"], **labels)
        self.refetches = Counter(
            "refetches", "Inputs fetched again after a merge waited on them while their position stood still",
            ["processor"], **labels,
        )
        self.processor = processor

    def count_in(self, counts: dict[str, int]) -> None:
        for topic, count in counts.items():
            self.records_in.labels(self.processor, topic).inc(count)

    def count_out(self, counts: dict[str, int]) -> None:
        for topic, count in counts.items():
            self.records_out.labels(self.processor, topic).inc(count)

    def observe_end_to_end(self, ce_times: list[bytes], now: datetime) -> None:
        for ce_time in ce_times:
            try:
                self.end_to_end_seconds.observe((now - datetime.fromisoformat(ce_time.decode())).total_seconds())
            except (ValueError, TypeError):
                continue  # a malformed or zone-less ce_time is the decoder's business, not a metrics failure
