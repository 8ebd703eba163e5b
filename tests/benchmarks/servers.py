"""What the Django-side benchmarks share: pointing Django at a `Bench`'s servers, a `Bench` for standalone
runs, and the resident memory of the processes they run."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import psycopg

from tests.benchmarks.figures import Bench, Figure

ROOT = Path(__file__).resolve().parents[2]


def bench_from_environment(*, smoke: bool = False) -> Bench:
    """A standalone run's `Bench`: the servers of `deploy.stack env`, the database of DATABASE_URL (created and migrated)."""
    bench = Bench(
        bootstrap=os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"),
        database_url=os.environ["DATABASE_URL"],
        redis_url=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        smoke=smoke,
    )
    _create_database(bench.database_url)
    django_for(bench)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return bench


def django_for(bench: Bench) -> None:
    """Set Django up on the bench's servers (the harness may have done so already, for the same ones)."""
    os.environ.update(
        DATABASE_URL=bench.database_url, KAFKA_BOOTSTRAP_SERVERS=bench.bootstrap, REDIS_URL=bench.redis_url,
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "auction.settings")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import dj_database_url
    import django
    from django.conf import settings
    from django.db import connections

    django.setup()
    wanted = dj_database_url.parse(bench.database_url)
    current = settings.DATABASES["default"]  # the dict the connection reads its settings from
    if any(current.get(key) != wanted.get(key) for key in ("NAME", "USER", "HOST", "PORT")):
        connections.close_all()
        current.update({key: wanted[key] for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT")})
    settings.KAFKA_BOOTSTRAP_SERVERS = bench.bootstrap


def database_url_of_django() -> str:
    """The URL of the database Django uses, for the subprocesses a benchmark starts."""
    from django.db import connection

    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def _create_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def rss_mib(pid: int, *, children: bool = False) -> float:
    """Resident memory of a process (and of its children: a Celery worker's pool), MiB; 0 once it is gone."""
    total = _rss_kib(pid)
    if children:
        try:
            kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            kids = []
        total += sum(_rss_kib(int(kid)) for kid in kids)
    return total / 1024


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def print_figures(figures: list[Figure], bench: Bench) -> None:
    """A standalone run's output: each figure with its goal, baseline, samples and failures, then the notes."""
    for figure in figures:
        extra = ", ".join(
            part for part in (
                figure.goal and f"goal {figure.goal}",
                figure.ratio and f"{figure.ratio:.2f}× the baseline ({figure.baseline})",
                figure.samples and f"n={figure.samples:,}",
                figure.failures and f"{figure.failures} failed",
            ) if part
        )
        print(f"{figure.name}: {figure.value:,.2f} {figure.unit}" + (f"  ({extra})" if extra else ""))
    for note in bench.notes:
        print(f"- {note}")
