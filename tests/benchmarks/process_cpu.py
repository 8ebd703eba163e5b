"""CPU time of processes and of the whole machine, read from /proc: what an idle platform costs.

A process's CPU time here is its own (user + system, every thread) plus that of the children it
has waited for (`cutime`, `cstime`), summed over the process and its live descendants. So a
PostgreSQL backend or a Celery pool child that ends between two readings is still counted: its
time moves into its parent's reaped-children total.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

TICKS_PER_S = os.sysconf("SC_CLK_TCK")
PROC = Path("/proc")


def stat_fields(text: str) -> list[str]:
    """The fields of a /proc/<pid>/stat line after the command name (which may hold spaces and parentheses):
    index 0 is the state, field n of proc(5) is index n - 3."""
    return text[text.rindex(")") + 2:].split()


def own_ticks(text: str) -> tuple[int, int]:
    """(the process's start time, its CPU ticks with its reaped children's) from its stat line."""
    fields = stat_fields(text)
    utime, stime, cutime, cstime = (int(fields[n - 3]) for n in (14, 15, 16, 17))
    return int(fields[22 - 3]), utime + stime + cutime + cstime


def descendants(pid: int, proc: Path = PROC) -> list[int]:
    """The process and every live process below it (children of any of its threads)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            tasks = list((proc / str(current) / "task").iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                todo += [int(child) for child in (task / "children").read_text().split()]
            except OSError:
                pass
    return found


Snapshot = dict[int, tuple[int, int]]
"""pid → (start time, CPU ticks) of every process of a tree at one moment."""


def snapshot(pid: int, proc: Path = PROC) -> Snapshot:
    readings = {}
    for member in descendants(pid, proc):
        try:
            readings[member] = own_ticks((proc / str(member) / "stat").read_text())
        except (OSError, ValueError, IndexError):
            pass  # gone meanwhile: its time is in its parent's reaped total by the next reading
    return readings


def ticks_between(before: Snapshot, after: Snapshot) -> int:
    """CPU ticks a tree used between two snapshots: what its processes hold now less what they held then.

    A process that ended meanwhile was reaped by its parent in the tree, whose reaped-children total
    now holds all of its time: its earlier share is subtracted like any other's (a pid reused by a new
    process is the same case: the old one ended, the new one counts whole)."""
    return max(sum(ticks for _, ticks in after.values()) - sum(ticks for _, ticks in before.values()), 0)


@dataclass(frozen=True)
class MachineTimes:
    busy: int
    total: int


def machine_times(proc: Path = PROC) -> MachineTimes:
    """The whole machine's busy and total ticks so far, every core (the first line of /proc/stat)."""
    values = [int(value) for value in (proc / "stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    total = sum(values[:8])  # guest time is already inside user and nice
    return MachineTimes(total - idle, total)


def busy_share(before: MachineTimes, after: MachineTimes) -> float:
    """The share (0..1) of every core's time the machine spent busy between two readings."""
    total = after.total - before.total
    return (after.busy - before.busy) / total if total > 0 else 0.0


def pss_mib(pid: int, proc: Path = PROC) -> float:
    """Proportional memory of a process tree, MiB: shared pages (PostgreSQL's shared buffers, a pool's
    inherited heap) are split among the processes sharing them instead of counted in each one's RSS."""
    total_kib = 0
    for member in descendants(pid, proc):
        try:
            for line in (proc / str(member) / "smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total_kib += int(line.split()[1])
                    break
        except (OSError, ValueError):
            pass
    return total_kib / 1024


def core_percent(ticks: int, seconds: float) -> float:
    """CPU ticks over `seconds` as a percentage of one core."""
    return 100 * ticks / TICKS_PER_S / seconds if seconds > 0 else 0.0
