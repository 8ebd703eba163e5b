"""Where each processor's instances serve: `OPS_METRICS_TARGETS`, one or more metrics URLs per processor.

`name=url|url,…` in the environment; settings hold a tuple of URLs per name (a plain string, as
a test may set, is read the same way). Every instance serves its status next to its metrics:
`http://host:9402/metrics` → `http://host:9402/status`.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings


def urls_of(value: str | Iterable[str] | None) -> tuple[str, ...]:
    """The instances' metrics URLs of one entry: `"a|b"`, `("a", "b")` or None."""
    if value is None:
        return ()
    parts = value.split("|") if isinstance(value, str) else value
    return tuple(url.strip() for url in parts if url and url.strip())


def metrics_targets(configured: Mapping[str, str | Iterable[str]] | None = None) -> dict[str, tuple[str, ...]]:
    """Processor name → its instances' metrics URLs; names without any URL are left out."""
    configured = settings.OPS_METRICS_TARGETS if configured is None else configured
    found = {name: urls_of(value) for name, value in configured.items()}
    return {name: urls for name, urls in found.items() if urls}


def status_url(metrics_url: str) -> str:
    """The instance's /status URL, next to its /metrics (any query is dropped)."""
    parts = urlsplit(metrics_url)
    path = parts.path.rstrip("/")
    path = path[: -len("metrics")] + "status" if path.endswith("/metrics") else f"{path}/status"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))
