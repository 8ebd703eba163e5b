"""The health report: every probe and every processor instance asked at once, judged, and kept briefly.

All questions go out together on a shared pool of threads: the dependencies' probes (see
`checks`) and each configured processor instance's /status (`HEALTH_SCRAPE_TIMEOUT_SECONDS`
each, 1 s). Whatever has not answered by `DEADLINE_S` counts as not answering, so a report is
ready within about 3 s whatever hangs. The report is kept for `HEALTH_CACHE_SECONDS` (1 s) and
made by one caller at a time: a burst of probes, or /healthz and the ops page together, cost one
round. `/healthz` and the ops page both read it, so they can never disagree.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor, wait

from django.conf import settings

from auction.health import checks
from auction.health.status import InstanceStatus, fetch_status, unanswered
from auction.health.verdict import HealthReport, judge
from auction.ops.targets import metrics_targets, status_url

DEADLINE_S = 2.5
"""Answers later than this after the round starts are not waited for."""

POOL = ThreadPoolExecutor(max_workers=32, thread_name_prefix="health")
"""Shared by every round: a probe stuck past the deadline holds one thread, never the caller."""


def watched_processors(targets: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """The registered processors (`auction.processors.PROCESSORS`, in its order) that have instances configured."""
    from auction.processors import PROCESSORS

    return {name: targets[name] for name in PROCESSORS if name in targets}


def _groups(names) -> dict[str, str]:
    """The consumer group each processor's instances answer as (its name, suffixed in isolated runs)."""
    from auction.ops.topology import deployed

    try:
        return {name: processor.name for name, processor in deployed() if name in names}
    except Exception:  # a processor that cannot be loaded here: judge instances without checking their names
        return {}


def gather(
    dependency_checks: Mapping[str, Callable[[], str]],
    instances: Mapping[str, tuple[str, ...]],
    *,
    scrape_timeout_s: float,
    deadline_s: float = DEADLINE_S,
    fetch: Callable[[str, float], InstanceStatus] = fetch_status,
) -> tuple[dict[str, str], dict[str, list[InstanceStatus]]]:
    """Every dependency's state and every instance's status (metrics URLs in, statuses out), asked concurrently."""
    asked: dict[str, Future] = {name: POOL.submit(check) for name, check in dependency_checks.items()}
    scraped = {
        name: [(status_url(url), POOL.submit(fetch, status_url(url), scrape_timeout_s)) for url in urls]
        for name, urls in instances.items()
    }
    wait([*asked.values(), *(future for pairs in scraped.values() for _, future in pairs)], timeout=deadline_s)
    late = f"no answer within {deadline_s:g} s"
    dependencies = {name: _outcome(future, f"error: {late}", lambda e: f"error: {e}") for name, future in asked.items()}
    statuses = {
        name: [_outcome(future, unanswered(url, late), lambda e: unanswered(url, e)) for url, future in pairs]
        for name, pairs in scraped.items()
    }
    return dependencies, statuses


def _outcome(future: Future, late, failed: Callable[[str], object]):
    """The answer; `late` if there is none yet; `failed(reason)` if asking raised (probes should not)."""
    if not future.done():
        return late
    error = future.exception()
    return future.result() if error is None else failed(type(error).__name__)


def make_report() -> HealthReport:
    processors = watched_processors(metrics_targets())
    dependencies, statuses = gather(
        checks.CHECKS, processors, scrape_timeout_s=settings.HEALTH_SCRAPE_TIMEOUT_SECONDS
    )
    return judge(dependencies, statuses, groups=_groups(processors), aborts_failing=settings.HEALTH_ABORTS_FAILING)


class ReportCache:
    """The latest report for `ttl_s`, made by one caller at a time (the others wait for it, then share it).

    Reports are kept per configuration, so a changed setting is never answered with a report made
    under the old one."""

    def __init__(self, make: Callable[[], HealthReport] = make_report) -> None:
        self._make = make
        self._lock = threading.Lock()
        self._kept: tuple[object, float, HealthReport] | None = None

    def get(self, key: object, ttl_s: float) -> HealthReport:
        with self._lock:
            if self._kept is not None:
                kept_key, made_at, report = self._kept
                if kept_key == key and time.monotonic() - made_at < ttl_s:
                    return report
            report = self._make()
            self._kept = (key, time.monotonic(), report)
            return report

    def forget(self) -> None:
        with self._lock:
            self._kept = None


CACHE = ReportCache()


def _configuration() -> tuple:
    return (
        tuple(sorted(metrics_targets().items())),
        checks.kafka_bootstrap(),
        settings.REDIS_URL,
        settings.DATABASES["default"].get("NAME"),
        settings.HEALTH_SCRAPE_TIMEOUT_SECONDS,
        settings.HEALTH_ABORTS_FAILING,
    )


def health_report() -> HealthReport:
    """The verdict on the dependencies and every watched processor, at most `HEALTH_CACHE_SECONDS` old."""
    return CACHE.get(_configuration(), settings.HEALTH_CACHE_SECONDS)
