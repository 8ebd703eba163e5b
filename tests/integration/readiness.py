"""Waiting for a processor instance to be really ready: every task of its inputs held, read from its /status.

A log line says a rebalance happened, not that it gave the instance anything; the instance's own
status endpoint (`streams.runtime.endpoint`) says what it holds.
"""
from __future__ import annotations

import json
import socket
import subprocess
import time
import urllib.request


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def status(port: int, timeout_s: float = 1.0, host: str = "127.0.0.1") -> dict | None:
    """The instance's /status, or None while it does not answer."""
    try:
        with urllib.request.urlopen(f"http://{host}:{port}/status", timeout=timeout_s) as response:
            return json.loads(response.read())
    except (OSError, ValueError):
        return None


def holds_everything(reading: dict | None, tasks: int | None = None) -> bool:
    """Whether the instance holds every task (or `tasks` of them, when instances share the work)."""
    if not reading or not reading["task_count"]:
        return False
    wanted = reading["task_count"] if tasks is None else tasks
    return len(reading["tasks_held"]) >= wanted


def wait_holding(port: int, process: subprocess.Popen, timeout_s: float, *, what: str, tasks: int | None = None) -> dict:
    """Wait until the instance on `port` holds its tasks; fails at once if the process exits."""
    deadline = time.monotonic() + timeout_s
    reading = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode} before holding its partitions")
        reading = status(port)
        if holds_everything(reading, tasks):
            return reading
        time.sleep(0.1)
    raise TimeoutError(f"{what} did not hold its partitions within {timeout_s} s; last status: {reading}")
