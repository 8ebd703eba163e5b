"""Prometheus metrics of the web process, served at /metrics (see `views.metrics`).

uvicorn runs one process here, so the default registry is enough; several worker processes
would need prometheus_client's multiprocess mode (PROMETHEUS_MULTIPROC_DIR).
"""
import time
from collections.abc import Callable

from asgiref.sync import iscoroutinefunction
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import sync_and_async_middleware
from prometheus_client import REGISTRY, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily

from auction.ops.models import DeadLetter

REQUESTS = Counter("auction_web_requests", "HTTP requests answered", ["method", "route", "status"])
SECONDS = Histogram(
    "auction_web_request_seconds",
    "Time to answer an HTTP request",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


def _route(request: HttpRequest) -> str:
    """The URL pattern, not the path: one series per page, however many items there are."""
    match = request.resolver_match
    return match.route if match is not None else "unmatched"


def _observe(request: HttpRequest, response: HttpResponse, started: float) -> None:
    route = _route(request)
    SECONDS.labels(request.method, route).observe(time.perf_counter() - started)
    REQUESTS.labels(request.method, route, str(response.status_code)).inc()


@sync_and_async_middleware
def request_metrics(get_response: Callable) -> Callable:
    """Times every request; runs in the mode of the stack below it, so an async view never leaves the event loop."""
    if iscoroutinefunction(get_response):

        async def middleware(request: HttpRequest) -> HttpResponse:
            started = time.perf_counter()
            response = await get_response(request)
            _observe(request, response, started)
            return response

    else:

        def middleware(request: HttpRequest) -> HttpResponse:
            started = time.perf_counter()
            response = get_response(request)
            _observe(request, response, started)
            return response

    return middleware


class DeadLetterCollector:
    """Dead letters waiting for an operator, counted when scraped (alert on this)."""

    NAME = "auction_dead_letters_pending"
    HELP = "Dead letters neither replayed nor discarded"
    LABELS: tuple[str, ...] = ()

    def collect(self):
        gauge = GaugeMetricFamily(self.NAME, self.HELP)
        gauge.add_metric([], DeadLetter.objects.filter(status=DeadLetter.Status.PENDING).count())
        yield gauge

    def describe(self):
        return []


REGISTRY.register(DeadLetterCollector())
