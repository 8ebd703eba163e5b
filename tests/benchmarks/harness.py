"""The benchmark harness: every benchmark next to its baseline in one run, its figures written into the docs.

    .venv/bin/python -m tests.benchmarks            # the full run; rewrites the figures in docs/reference/performance.md
    .venv/bin/python -m tests.benchmarks --smoke    # tiny sizes, under a minute, writes nothing (CI runs it)
    .venv/bin/python -m tests.benchmarks --only http_bids,kafka_tools   # rewrites those sections only

It brings up the servers of a stack profile (`dev` unless `--profile`) with the project's own
`deploy.stack`, makes a scratch database, then calls each benchmark module's `measure(bench)` in
the order of `BENCHMARKS` and prints its figures. A full run replaces the part of
docs/reference/performance.md between the `harness:begin` and `harness:end` markers; a run with `--only`
replaces those benchmarks' sections there and leaves the others as they were. Nothing there is typed
by hand, and every section says the command, the time and the load average of the run it comes from.
Benchmarks belong on a quiet machine: the load average is printed before every section.
"""
from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
import time
import traceback
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from tests.benchmarks.figures import Bench, Figure

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "reference" / "performance.md"
BEGIN, END = "<!-- harness:begin -->", "<!-- harness:end -->"
BENCHMARKS = (
    "kafka_tools",
    "bench_runtime",
    "bench_bidding",
    "bench_scaling",
    "bench_http_bids",
    "bench_live",
    "bench_analytics",
    "bench_notifications",
    "bench_engine",
    "bench_replay",
    "bench_idle",
)
"""Module names in tests/benchmarks/, in the order they run: the broker's own limit first."""


@dataclass(frozen=True)
class Section:
    module: str
    title: str
    figures: list[Figure]
    notes: list[str]
    seconds: float
    load_before: float
    error: str = ""
    command: str = "python -m tests.benchmarks"
    finished: datetime | None = None
    load_after: float | None = None


def load_average() -> float:
    return os.getloadavg()[0]


def stack(command: str, profile: str, env: dict[str, str] | None = None) -> str:
    """`python -m deploy.stack COMMAND --profile PROFILE`'s output (`env`: the environment it runs in)."""
    return subprocess.run([sys.executable, "-m", "deploy.stack", command, "--profile", profile], cwd=ROOT, env=env,
                          check=True, stdout=subprocess.PIPE, text=True).stdout


def stack_exports(profile: str, env: dict[str, str] | None = None) -> dict[str, str]:
    """Starts the profile's stack (idempotent) and returns the variables `deploy.stack env` exports for it."""
    stack("up", profile, env)
    lines = stack("env", profile, env).splitlines()
    return dict(line.removeprefix("export ").split("=", 1) for line in lines if line.startswith("export "))


def servers(profile: str) -> dict[str, str]:
    """Starts the profile's stack (idempotent) and returns its URLs, with a scratch database in DATABASE_URL."""
    env = stack_exports(profile)
    database = f"auction_bench_{uuid.uuid4().hex[:8]}"
    env["DATABASE_URL"] = env["DATABASE_URL"].rsplit("/", 1)[0] + f"/{database}"
    return env


def _scratch_database(url: str) -> None:
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')


def module_named(name: str) -> str:
    """A benchmark module's name as given to `--only`, its `bench_` prefix optional ("replay" → "bench_replay")."""
    return name if name in BENCHMARKS or f"bench_{name}" not in BENCHMARKS else f"bench_{name}"


def run(modules: list[str], *, profile: str, smoke: bool, command: str = "python -m tests.benchmarks") -> list[Section]:
    """Runs `modules` in turn; each `Section` records `command`, the command line it is said to come from."""
    modules = [module_named(name) for name in modules]
    env = servers(profile)
    _scratch_database(env["DATABASE_URL"])
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "auction.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    sections = []
    for name in modules:
        module = importlib.import_module(f"tests.benchmarks.{name}")
        bench = Bench(bootstrap=env["KAFKA_BOOTSTRAP_SERVERS"], database_url=env["DATABASE_URL"], redis_url=env["REDIS_URL"],
                      smoke=smoke, profile=profile)
        load = load_average()
        print(f"\n== {module.SECTION}  (tests/benchmarks/{name}.py; load average {load:.2f})", flush=True)
        started = time.monotonic()
        try:
            figures, error = module.measure(bench), ""
        except Exception:  # a broken benchmark is reported, and the others still run
            figures, error = [], traceback.format_exc()
            print(error, file=sys.stderr)
        section = Section(name, module.SECTION, figures, bench.notes, time.monotonic() - started, load, error,
                          command=command, finished=datetime.now(timezone.utc), load_after=load_average())
        print(render_section(section), flush=True)
        sections.append(section)
    return sections


# -- rendering -------------------------------------------------------------------------------------


def _number(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:,.1f}"
    return f"{value:,.2f}"


def render_figure(figure: Figure) -> str:
    ratio = "" if figure.ratio is None else f"{figure.ratio:.2f}×"
    baseline = "" if figure.baseline_value is None else f"{figure.baseline}: {_number(figure.baseline_value)} {figure.unit}"
    cells = (
        figure.name,
        f"{_number(figure.value)} {figure.unit}",
        baseline,
        ratio,
        figure.goal,
        "" if figure.samples is None else f"{figure.samples:,}",
        "" if figure.failures is None else f"{figure.failures:,}",
    )
    return "| " + " | ".join(cells) + " |"


def render_section(section: Section) -> str:
    lines = [f"### {section.title}", ""]
    if section.error:
        lines.append(f"Failed: `{section.error.strip().splitlines()[-1]}`")
    else:
        lines += [
            "| measure | value | baseline (same run) | ratio | goal | samples | failures |",
            "|---|---|---|---|---|---|---|",
            *(render_figure(figure) for figure in section.figures),
        ]
    when = "" if section.finished is None else f" on {section.finished:%Y-%m-%d %H:%M UTC}"
    after = "" if section.load_after is None else f", after: {section.load_after:.2f}"
    lines += ["", f"`tests/benchmarks/{section.module}.py`, measured by `{section.command}`{when}, "
                  f"{section.seconds:.0f} s, load average before: {section.load_before:.2f}{after}."]
    lines += [f"{note}" for note in section.notes]
    return "\n".join(lines) + "\n"


ONE_RUN = "Every figure below comes from that one run."
MIXED_RUNS = (
    "Some sections were measured again since, on their own (`--only`): each section says under its table the "
    "command, the time and the load average of its run. A figure and its baseline always come from the same run."
)


def render(sections: list[Section], *, command: str) -> str:
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    header = (
        f"Written by `{command}` on {when}: {os.cpu_count()} cores, "
        f"load average {load_average():.2f} at the end. {ONE_RUN}\n"
    )
    return "\n".join([header, *(render_section(section) for section in sections)])


_MODULE_LINE = re.compile(r"^`tests/benchmarks/(\w+)\.py`", re.MULTILINE)


def _split(region: str) -> tuple[str, list[tuple[str | None, str]]]:
    """The part between the markers as its header and its sections, each (module it names, text)."""
    header, *blocks = re.split(r"(?m)^(?=### )", region)
    sections = []
    for block in blocks:
        named = _MODULE_LINE.search(block)
        sections.append((named.group(1) if named else None, block))
    return header, sections


def merge(region: str, sections: list[Section]) -> str:
    """`region` (what stands between the markers) with the sections of `sections`' modules replaced by them.

    A benchmark not there yet goes after the last one before it in `BENCHMARKS`; every other
    section, and anything else, stays as it was; the header stops saying that one run made it all."""
    header, blocks = _split(region)
    order = {name: index for index, name in enumerate(BENCHMARKS)}
    for section in sections:
        text = render_section(section) + "\n"
        at = next((index for index, (module, _) in enumerate(blocks) if module == section.module), None)
        if at is not None:
            blocks[at] = (section.module, text)
            continue
        rank = order.get(section.module, len(order))
        before = [index for index, (module, _) in enumerate(blocks) if order.get(module or "", len(order)) <= rank]
        blocks.insert(before[-1] + 1 if before else 0, (section.module, text))
    header = header.replace(ONE_RUN, MIXED_RUNS)
    return header + "".join(text for _, text in blocks).rstrip("\n") + "\n"


def docs_region(docs: Path = DOCS) -> str:
    """What stands between the markers in docs/reference/performance.md, without the newlines next to them."""
    return docs.read_text().split(BEGIN, 1)[1].split(END, 1)[0].strip("\n") + "\n"


def write_docs(text: str, docs: Path = DOCS) -> None:
    """Replaces what stands between the markers in docs/reference/performance.md."""
    current = docs.read_text()
    head, rest = current.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    docs.write_text(f"{head}{BEGIN}\n{text}\n{END}{tail}")
