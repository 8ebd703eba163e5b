"""An idle platform: what the whole process set costs with no traffic, and whether a bid after a quiet
spell is decided as fast as one in a busy moment. Prints figures, asserts nothing.

    .venv/bin/python -m tests.benchmarks --only idle [--smoke] [--profile dev3]

Starts every program of deploy/supervisord.conf that the demo starts, except its stand-ins (`mail`,
`load`): the six processors, the web server, the Celery worker and beat (`process_set.py`: the
config read by supervisor, on free ports, under a run-unique STREAMS_NAME_SUFFIX, each processor
positioned at the end of the log). It waits for real readiness: every processor holds all its
partitions (its /status) and the web's /healthz answers 200 (its dependencies, every processor
ready). Then one seller lists an item and a bidder places a few bids through the JSON API (the
warm-up; the last few are the "warm" figure), the set rests a while, and the CPU time of every
process (its threads and children: Celery's pool, PostgreSQL's backends) and of the servers
(Kafka, PostgreSQL, Redis) is read from /proc over the sampling window, with each one's RSS at
its end. Last, one more bid: POST → reply with the decision after the idle spell, next to the
warm figure.

A full run does all this twice: first with the processors' fetches held 500 ms and their polls 500 ms
long at rest, as before the idle work (`BEFORE`, the baseline of every CPU figure), then as configured;
smoke runs only the second, with a 10 s window. The broker's settings (threads, JVM) and Celery's are the
same in both rounds.

CPU is given as % of one core per process, and for the whole set as % of the machine (every
core); the machine's own busy share over the same window (other work on it included) and the
load average are in the notes, since a shared machine colours every figure.
"""
from __future__ import annotations

import asyncio
import logging
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks import process_cpu, process_set  # noqa: E402
from tests.benchmarks.figures import Bench, Figure  # noqa: E402
from tests.benchmarks.servers import rss_mib  # noqa: E402

SECTION = "An idle platform: CPU, memory, and the first bid after a quiet spell"
SERVERS = ("kafka", "postgres", "redis")
WARM_BIDS = 5
WARM_MEASURED = 3
"""The last bids of the warm-up, whose median is the warm baseline."""
IDLE_GOAL = "≤ 5 %"
BEFORE = {"STREAMS_IDLE_FETCH_MAX_WAIT_MS": "500", "STREAMS_IDLE_POLL_TIMEOUT_MS": "500"}
"""The processors' settings before the idle work (fetches held 500 ms and polls of 500 ms at rest as when busy): the
full run's baseline round."""
BEFORE_LABEL = "idle fetch waits and polls of 500 ms"
TREES = ("worker", "postgres")
"""Programs of several processes: their memory is the PSS of them all (shared pages counted once), not RSS."""


def server_pids(profile: str | None) -> dict[str, int]:
    """The pids of the profile's own local servers (deploy.stack's pid files); none for external servers."""
    if not profile:
        return {}
    from deploy.stack.processes import is_alive
    from deploy.stack.profiles import named_profile

    found = {}
    for name in SERVERS:
        try:
            pid = int(named_profile(profile).pid_file(name).read_text().split()[0])
        except (OSError, ValueError, IndexError):
            continue
        if is_alive(pid):
            found[name] = pid
    return found


def _environment(suffix: str, data_dir: Path) -> dict[str, str]:
    from tests.integration.readiness import free_port

    return {
        **os.environ,
        "STREAMS_NAME_SUFFIX": suffix,  # groups, transactional ids and changelogs of this run's own
        "BEAT_KEY_PREFIX": f"redbeat-{suffix}:",  # a lock of this run's own: no earlier beat's to wait out
        "AUCTION_DATA_DIR": str(data_dir),
        "EMAIL_PORT": str(free_port()),  # nothing is sent; no demo mail server is reached by accident
        "AUCTION_BIDS_PER_SECOND": "1000",
    }


def _bid_once(url: str, bidding) -> float | None:
    """Milliseconds from POST to the reply with the decision; None when the reply did not carry one."""

    async def one() -> None:
        import httpx

        async with httpx.AsyncClient(base_url=url, timeout=60) as http:
            await bidding.bid(http, random.Random())

    bidding.outcomes.clear()
    try:
        asyncio.run(one())
    except Exception:  # counted below as a bid without its decision
        pass
    decided = bidding.decided()
    return decided[0] * 1000 if decided else None


class CpuWindow:
    """CPU time of named process trees and of the machine over one window."""

    def __init__(self, pids: dict[str, int]) -> None:
        self.pids = pids

    def measure(self, seconds: float) -> tuple[dict[str, int], float, float]:
        """(CPU ticks per name, the window's length in seconds, the machine's busy share over it)."""
        machine = process_cpu.machine_times()
        before = {name: process_cpu.snapshot(pid) for name, pid in self.pids.items()}
        started = time.monotonic()
        time.sleep(seconds)
        after = {name: process_cpu.snapshot(pid) for name, pid in self.pids.items()}
        elapsed = time.monotonic() - started
        busy = process_cpu.busy_share(machine, process_cpu.machine_times())
        return {name: process_cpu.ticks_between(before[name], after[name]) for name in self.pids}, elapsed, busy


@dataclass
class Round:
    """One start of the process set: its CPU at rest, its memory, and its bids."""

    label: str
    ticks: dict[str, int]
    seconds: float
    machine_busy: float
    load: float
    memory: dict[str, float]
    warm_ms: list[float | None]
    after_idle_ms: float | None
    programs: int

    def percent(self, name: str) -> float:
        return process_cpu.core_percent(self.ticks[name], self.seconds)

    def total(self, cores: int) -> float:
        """The whole set's CPU as a percentage of the machine (every core)."""
        return sum(self.percent(name) for name in self.ticks) / cores


def one_round(bench: Bench, label: str, overrides: dict[str, str], settle_s: float, idle_s: float) -> Round:
    from tests.benchmarks.bench_http_bids import Bidding, _items, _people
    from tests.integration.conftest import start_at_log_end

    suffix = f"idle{uuid.uuid4().hex[:6]}"
    logs = Path(tempfile.mkdtemp(prefix="bench-idle-"))
    env = {**_environment(suffix, logs), **overrides}
    running = process_set.programs(env)
    targets = process_set.metrics_targets(running)
    for program in running:
        program.env["OPS_METRICS_TARGETS"] = targets
        if program.processor:
            start_at_log_end(program.processor, program.env)  # a fresh group would replay the whole log first
    try:
        process_set.start(running, logs)
        took = process_set.wait_ready(running, logs)
        print(f"  {label}: {len(running)} programs ready in {took:.0f} s ({', '.join(p.name for p in running)}); logs in {logs}")
        web = next(program for program in running if program.name == "web")
        url = f"http://127.0.0.1:{web.port}"
        seller, bidder = _people(2)
        bidding = Bidding([bidder], _items(url, seller, 1))
        warm = [_bid_once(url, bidding) for _ in range(WARM_BIDS)][-WARM_MEASURED:]
        time.sleep(settle_s)  # what the listing and the bids set off (analytics, notifications) dies down

        pids = {program.name: program.pid for program in running} | server_pids(bench.profile)
        load = os.getloadavg()[0]
        ticks, elapsed, machine_busy = CpuWindow(pids).measure(idle_s)
        memory = {name: process_cpu.pss_mib(pid) if name in TREES else rss_mib(pid) for name, pid in pids.items()}
        after_idle = _bid_once(url, bidding)
    finally:
        process_set.stop(running)
    result = Round(label, ticks, elapsed, machine_busy, load, memory, warm, after_idle, len(running))
    cores = os.cpu_count() or 1
    print(f"  {label}: idle for {elapsed:.0f} s (load average {load:.2f}); % of one core, "
          f"RSS (PSS of all processes for {', '.join(TREES)}):")
    for name in ticks:
        print(f"    {name:<14} {result.percent(name):6.2f} %   {memory[name]:7.1f} MiB")
    print(f"  {label}: all of them {result.total(cores):.2f} % of the machine ({cores} cores); "
          f"the machine {100 * machine_busy:.1f} % busy")
    print(f"  {label}: POST → decision, warm {_ms(warm)}, after {elapsed:.0f} s idle {_ms([after_idle])}")
    return result


def _ms(values: list[float | None]) -> str:
    return ", ".join("no decision" if value is None else f"{value:.0f} ms" for value in values)


def measure(bench: Bench) -> list[Figure]:
    from streams.provisioning import ensure_topics
    from streams.topics import REGISTRY

    logging.getLogger("httpx").setLevel(logging.WARNING)
    from streams.runtime.runner import IDLE_FETCH_AFTER_S

    # The window opens once the processors count as idle (their fetches held longer); smoke only checks it all runs.
    settle_s, idle_s = bench.size(int(IDLE_FETCH_AFTER_S) + 5, 2), bench.size(60, 10)
    ensure_topics(bench.bootstrap, REGISTRY)
    before = None if bench.smoke else one_round(bench, BEFORE_LABEL, BEFORE, settle_s, idle_s)
    now = one_round(bench, "as configured", {}, settle_s, idle_s)

    cores = os.cpu_count() or 1
    baseline = {} if before is None else {"baseline": BEFORE_LABEL}
    figures = [
        Figure(f"{name}: CPU at rest", now.percent(name), "% of a core", **baseline,
               baseline_value=None if before is None else before.percent(name))
        for name in now.ticks
    ]
    figures.append(Figure(
        f"the whole set at rest, CPU ({len(now.ticks)} processes)", now.total(cores), f"% of {cores} cores", IDLE_GOAL,
        **baseline, baseline_value=None if before is None else before.total(cores),
    ))
    figures += [Figure(f"{name}: {'PSS of its processes' if name in TREES else 'RSS'} after the idle spell",
                       now.memory[name], "MiB") for name in now.ticks]
    warm = [ms for ms in now.warm_ms if ms is not None]
    figures.append(Figure(
        f"a bid after {now.seconds:.0f} s idle, POST → reply with decision", now.after_idle_ms or 0.0, "ms",
        "≈ the warm bid (no added latency)", f"median of the last {WARM_MEASURED} warm-up bids",
        statistics.median(warm) if warm else None, samples=1, failures=int(now.after_idle_ms is None),
    ))
    servers = ", ".join(name for name in SERVERS if name in now.ticks) or "none (not this profile's own)"
    bench.note(
        f"{now.programs} programs of deploy/supervisord.conf (the demo's without `mail` and `load`) and the servers "
        f"({servers}); CPU time (user + system, threads and children) from /proc over {now.seconds:.0f} s after a "
        f"{settle_s} s settle; load average {now.load:.2f} at the window's start; the machine was "
        f"{100 * now.machine_busy:.1f} % busy over it (other work included)."
    )
    if before is not None:
        bench.note(
            f"Baseline: the same set started first with {', '.join(f'{k}={v}' for k, v in BEFORE.items())} (the "
            f"settings before the idle work), same window; load average {before.load:.2f}, machine "
            f"{100 * before.machine_busy:.1f} % busy. The broker's and Celery's own settings are the same in both rounds."
        )
    return figures


def main() -> None:
    """Standalone: `python -m tests.benchmarks --only idle` is the usual way."""
    from tests.benchmarks.__main__ import only

    only("bench_idle")


if __name__ == "__main__":
    main()
