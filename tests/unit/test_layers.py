"""The layering of docs/explanation/architecture.md ("Layers and who may import whom"), enforced.

Every module of `auction/` and `streams/` belongs to one layer, lowest first; a module may import
its own layer and those below, never one above, except the commented pairs in `ALLOWED`. `streams/`
imports neither Django nor `auction`. Imports are read with `ast`, so an import inside a function
counts as much as one at the top; nothing is imported to run this.
"""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

LAYERS: list[tuple[str, ...]] = [
    # the Kafka side: events, money, topics, runtime, the pure bidding and analytics cores
    ("streams",),
    # what every Django app shares: exactly-once sinks and read-your-writes, publishing, text rules,
    # form fields, JSON limits and the client's address at the edge, process-wide clients, attempt keys; accounts
    # (people, tokens, suspensions, login throttling) are checked by the services above
    (
        "auction.streaming", "auction.publishing", "auction.text", "auction.fields", "auction.json_input", "auction.proxies",
        "auction.process_wide", "auction.idempotency", "auction.accounts",
    ),
    ("auction.catalog",),
    # bidding owns the item page; it reads catalog's items
    ("auction.bidding",),
    # staff acts on items, bids and accounts; its read models are projected by the projector
    ("auction.staff",),
    # the apps fed by the log, and their pages (analytics' page is staff-only)
    # (replay reads the step index the projector writes through it)
    ("auction.notifications", "auction.analytics", "auction.live", "auction.projector", "auction.replay"),
    # the registry of processors by name
    ("auction.processors",),
    # what watches, runs and exposes the rest: /ops/, health, the JSON API, the load generator, "what if" runs
    ("auction.ops", "auction.health", "auction.api", "auction.loadgen", "auction.whatif"),
    # the project's wiring: settings, URLs, ASGI/Celery entry points, the error and body-size middleware,
    # Django's middleware run in the event loop, the logging filters
    (
        "auction.errors", "auction.urls", "auction.settings", "auction.asgi", "auction.celery", "auction.__init__",
        "auction.request_limits", "auction.inline_middleware", "auction.log_filters",
    ),
]

ALLOWED: dict[tuple[str, str], str] = {
    # The registry lists every processor, the ops app's dead-letters processor among them, and ops
    # reads the registry to show, run and rebuild processors: the registry sits below ops and
    # imports this one declaration from above.
    ("auction.processors", "auction.ops.processor"): "the registry names ops' own processor",
    # The account page shows where a person stands in their auctions; accounts' state (people,
    # tokens, suspensions) must stay below catalog and bidding, which check suspensions.
    ("auction.accounts.views", "auction.bidding.selectors"): "the account page reads bidding's overview",
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__" and parts != ["auction", "__init__"]:  # the project's own stays apart from its apps
        parts.pop()
    return ".".join(parts)


def _layer(module: str) -> int | None:
    best: tuple[int, int] | None = None
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if _within(module, prefix):
                if best is None or len(prefix) > best[1]:
                    best = (index, len(prefix))
    return None if best is None else best[0]


def _imports(path: Path, module: str) -> list[tuple[int, str]]:
    """(line, imported module) for every import in the file; `from x import y` yields x.y when y is a module."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def _modules(top: str) -> list[tuple[Path, str]]:
    return [(path, _module_name(path)) for path in sorted((ROOT / top).rglob("*.py"))]


def _within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def _allowance(importer: str, imported: str) -> tuple[str, str] | None:
    return next((pair for pair in ALLOWED if _within(importer, pair[0]) and _within(imported, pair[1])), None)


def test_every_module_has_a_layer():
    assert [module for _, module in _modules("auction") + _modules("streams") if _layer(module) is None] == []


def test_no_module_imports_a_higher_layer():
    upward = []
    for path, module in _modules("auction") + _modules("streams"):
        own = _layer(module)
        for line, imported in _imports(path, module):
            target = _layer(imported)
            if target is not None and target > own and _allowance(module, imported) is None:
                upward.append(f"{path.relative_to(ROOT)}:{line} {module} → {imported}")
    assert upward == [], "imports from a lower layer to a higher one (see docs/explanation/architecture.md):\n" + "\n".join(upward)


def test_every_allowed_upward_import_is_still_needed():
    used = {_allowance(module, imported) for path, module in _modules("auction") for _, imported in _imports(path, module)}
    assert set(ALLOWED) <= used, "an allowed upward import is gone: take it off ALLOWED"
    assert len(ALLOWED) <= 4


@pytest.mark.parametrize("forbidden", ["django", "auction"])
def test_streams_imports_neither_django_nor_auction(forbidden):
    offending = [
        f"{path.relative_to(ROOT)}:{line} {imported}"
        for path, module in _modules("streams")
        for line, imported in _imports(path, module)
        if imported == forbidden or imported.startswith(forbidden + ".")
    ]
    assert offending == []
