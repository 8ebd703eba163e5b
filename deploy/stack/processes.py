"""Starting, finding and stopping detached server processes through pid files.

Servers outlive the Python process that starts them (the CLI exits right after `up`), so the only
link back to them is a pid file. A pid alone can be reused by an unrelated process after a reboot,
so a process only counts as ours when one of its command-line arguments is also a marker unique
to the profile (a config or data path).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

# Popen handles of servers started by this very process. Holding them lets `stop_process` reap its
# own children (no zombies in long test sessions) and keeps Popen from warning that they still run.
_children: dict[int, subprocess.Popen[bytes]] = {}


@dataclass(frozen=True)
class Launch:
    """How to run a server or one of its setup commands, optionally as another (unprivileged) user."""

    argv: Sequence[str]
    cwd: Path
    user: str | None = None


def arguments(pid: int) -> list[str]:
    """The command-line arguments of a live process; none if it is gone or a zombie."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return raw.decode(errors="replace").split("\0")[:-1]


def our_pid(pid_file: Path, marker: str) -> int | None:
    """The pid recorded in `pid_file` if that process is alive and has `marker` as an argument."""
    try:
        pid = int(pid_file.read_text().strip())
    except (OSError, ValueError):
        return None
    return pid if marker in arguments(pid) else None


def spawn_detached(launch: Launch, log_file: Path, pid_file: Path) -> int:
    """Start a process in its own session, output appended to `log_file`, and record its pid.

    Its own session means a Ctrl-C or the exit of the caller's terminal does not reach the server.
    """
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with open(log_file, "ab") as log:
        process = subprocess.Popen(list(launch.argv), start_new_session=True, **_logged(launch, log))
    _children[process.pid] = process
    pid_file.write_text(f"{process.pid}\n")
    return process.pid


def run_to_log(launch: Launch, log_file: Path) -> int:
    """Run a one-off setup command to completion with its output appended to `log_file`."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with open(log_file, "ab") as log:
        return subprocess.run(list(launch.argv), check=False, **_logged(launch, log)).returncode


def _logged(launch: Launch, log: BinaryIO) -> dict[str, object]:
    """Popen arguments for `launch`: in its folder, as its user, no input, output and errors appended to `log`."""
    return {"cwd": launch.cwd, "stdin": subprocess.DEVNULL, "stdout": log, "stderr": subprocess.STDOUT, **_as_user(launch.user)}


def _as_user(user: str | None) -> dict[str, object]:
    """Popen arguments that drop to `user` with only its own group (not root's)."""
    if user is None:
        return {}
    entry = pwd.getpwnam(user)
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}


def is_alive(pid: int) -> bool:
    """Whether the process exists and is not a zombie.

    Deliberately not judged by the command line: right after exec the kernel briefly shows an
    empty or stale one.
    """
    _reap(pid)
    try:
        stat_line = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    state = stat_line.rsplit(")", 1)[1].split()[0]
    return state not in ("Z", "X")


def _reap(pid: int) -> None:
    child = _children.get(pid)
    if child is not None and child.poll() is not None:
        del _children[pid]


def stop_process(pid: int, stop_signal: int, grace_seconds: float) -> None:
    """Ask a process to stop, and kill it if it has not stopped within the grace period."""
    for sig, wait in ((stop_signal, grace_seconds), (signal.SIGKILL, 10.0)):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)
        if wait_until(lambda: not is_alive(pid), wait):
            return


def port_accepts_connections(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((host, port)) == 0


def wait_until(condition: Callable[[], bool], timeout_seconds: float, interval: float = 0.2) -> bool:
    """Poll `condition` until it holds or the time is up; returns whether it held."""
    deadline = time.monotonic() + timeout_seconds
    while True:
        if condition():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)
