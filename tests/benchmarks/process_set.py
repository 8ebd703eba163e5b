"""The platform's process set as deploy/supervisord.conf defines it, started on free ports for a benchmark.

supervisor itself reads the config (as `tests/unit/deploy/test_scale.py` does), so the programs,
their commands and environments are the demo's; what changes is where they listen: every
processor's `--metrics-port`, the web port and the Celery metrics ports are free ports of this
machine (the config's fixed ones may belong to a running demo). The demo's stand-ins (`mail`,
`load`) are left out: an idle platform has no traffic.

Each program runs in a session of its own, so stopping it stops what it started (Celery's pool).
"""
from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from tests.integration.readiness import free_port, holds_everything, status

ROOT = Path(__file__).resolve().parents[2]
CONF = ROOT / "deploy" / "supervisord.conf"
METRICS_PORT = re.compile(r"--metrics-port \d+")
START_TIMEOUT_S = 300  # nine programs start together on two shared cores


@dataclass
class Program:
    name: str
    argv: list[str]
    env: dict[str, str]
    directory: str
    port: int | None = None
    """Where it answers: a processor's /status, the web's /healthz, Celery's /metrics."""
    processor: str | None = None
    """The processor it runs (`runprocessor NAME`), if any."""
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid


def programs(env: dict[str, str]) -> list[Program]:
    """The programs supervisord would start by itself (not the demo's stand-ins), each listening on free ports."""
    from supervisor.options import ServerOptions

    with tempfile.TemporaryDirectory(prefix="process-set-") as folder:
        (Path(folder) / "logs").mkdir()
        config_env = {"AUCTION_DATA_DIR": folder, "AUCTION_WEB_PORT": str(free_port()),
                      "AUCTION_AUTOSTART": "true", "AUCTION_DEMO_PROGRAMS": "false"}
        saved = {name: os.environ.get(name) for name in config_env}
        os.environ.update(config_env)
        try:
            options = ServerOptions()
            options.realize(args=["-c", str(CONF)])
        finally:
            for name, value in saved.items():
                os.environ.pop(name) if value is None else os.environ.__setitem__(name, value)
    found = []
    for group in options.process_group_configs:
        for config in group.process_configs:
            if not config.autostart:
                continue
            command, extra = config.command, dict(config.environment or {})
            port = None
            if METRICS_PORT.search(command):
                port = free_port()
                command = METRICS_PORT.sub(f"--metrics-port {port}", command)
            elif "CELERY_METRICS_PORT" in extra:
                port = free_port()
                extra["CELERY_METRICS_PORT"] = str(port)
            elif " --port " in command:
                port = int(command.split(" --port ", 1)[1].split()[0])
            argv = shlex.split(command)
            processor = argv[argv.index("runprocessor") + 1] if "runprocessor" in argv else None
            found.append(Program(config.name, argv, {**env, **extra}, config.directory, port, processor))
    return sorted(found, key=lambda program: (program.processor is None, program.name))


def metrics_targets(running: list[Program]) -> str:
    """OPS_METRICS_TARGETS for the web server: every processor of the set, so /healthz waits for them all."""
    return ",".join(f"{p.processor}=http://127.0.0.1:{p.port}/metrics" for p in running if p.processor)


def start(running: list[Program], logs: Path) -> None:
    for program in running:
        with (logs / f"{program.name}.log").open("ab") as log:
            program.process = subprocess.Popen(program.argv, cwd=program.directory, env=program.env, stdout=log,
                                               stderr=subprocess.STDOUT, start_new_session=True)


def _answers(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


def ready(program: Program) -> bool:
    """A processor holds every partition of its inputs; the web's /healthz says 200 (its dependencies and
    every processor ready); Celery serves its metrics."""
    if program.processor:
        return holds_everything(status(program.port))
    if program.name == "web":
        return _answers(f"http://127.0.0.1:{program.port}/healthz") == 200
    return program.port is None or _answers(f"http://127.0.0.1:{program.port}/metrics") == 200


def wait_ready(running: list[Program], logs: Path, timeout_s: float = START_TIMEOUT_S) -> float:
    """Seconds until every program is ready; raises when one exits or the time runs out."""
    started = time.monotonic()
    waiting = list(running)
    while waiting:
        for program in list(waiting):
            if program.process.poll() is not None:
                raise RuntimeError(f"{program.name} exited with {program.process.returncode}; see {logs}/{program.name}.log")
            if ready(program):
                waiting.remove(program)
        if waiting and time.monotonic() - started > timeout_s:
            raise TimeoutError(f"not ready within {timeout_s} s: {', '.join(p.name for p in waiting)}; logs in {logs}")
        time.sleep(0.2)
    return time.monotonic() - started


def stop(running: list[Program], timeout_s: float = 60) -> None:
    """SIGTERM to each program's session (processors finish their transaction), SIGKILL to any still there."""
    for program in running:
        if program.process and program.process.poll() is None:
            os.killpg(program.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout_s
    for program in running:
        if program.process is None:
            continue
        try:
            program.process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(program.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        program.process.wait()
