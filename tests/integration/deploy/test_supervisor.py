"""deploy/supervisord.conf under a real supervisord: a program that dies is started again, and stopping
supervisord (Ctrl-C, SIGTERM) stops every program before it exits.

supervisord runs from the real config on the test servers, with nothing started by itself
(`AUCTION_AUTOSTART=false`): each test starts the one or two cheap programs it needs, with
`supervisorctl start` as an operator would, or over supervisord's XML-RPC interface. Its socket, pid file and logs go to the test's own
folder (`AUCTION_DATA_DIR`). The config's metrics ports are fixed, so processors serve metrics on
127.0.0.2 (`STREAMS_METRICS_ADDRESS`), where they cannot clash with a demo on the same machine.
"""
import contextlib
import os
import signal
import subprocess
import urllib.error
import urllib.request
import uuid
import xmlrpc.client
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from supervisor.xmlrpc import SupervisorTransport

from tests.integration.conftest import ROOT, START_TIMEOUT_S, start_at_log_end
from tests.integration.readiness import free_port, holds_everything, status
from tests.support.waiting import eventually

CONF = ROOT / "deploy" / "supervisord.conf"
BIN = ROOT / ".venv" / "bin"
# The programs use the test database, and write to it from other processes. (pytest-django creates
# the test database only for a session with a test that asks for it: DATABASE_URL would otherwise
# name the real one.)
pytestmark = pytest.mark.django_db(transaction=True)

METRICS_HOST, DEAD_LETTERS_PORT = "127.0.0.2", 9407  # the config's port for dead-letters, on the tests' address
RESTART_WITHIN_S = 10
STOP_TIMEOUT_S = 90  # programs stop one after another; a processor may take up to its stopwaitsecs


def _until(check: Callable[[], object], timeout_s: float, what: str) -> object:
    return eventually(check, timeout_s=timeout_s, what=what, interval_s=0.1)


def _gone(pid: int) -> bool:
    """No process is left in the program's process group (the program and anything it started)."""
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return True
    return False


class Supervisord:
    def __init__(self, env: dict[str, str], folder: Path) -> None:
        self.env, self.folder = env, folder
        self.console = folder / "console.log"  # what the person running deploy/demo sees
        with self.console.open("wb") as console:
            self.proc = subprocess.Popen(
                [BIN / "supervisord", "-n", "-c", CONF], cwd=ROOT, env=env, stdout=console, stderr=subprocess.STDOUT
            )
        try:
            _until(self._running, 30, f"supervisord answering on its socket (see {self.console})")
        except BaseException:
            self.proc.kill()  # no program was started yet
            self.proc.wait()
            raise

    @property
    def rpc(self):
        """supervisord's XML-RPC interface (a new connection each time: one that failed stays unusable)."""
        transport = SupervisorTransport(None, None, f"unix://{self.folder / 'supervisor.sock'}")
        return xmlrpc.client.ServerProxy("http://127.0.0.1", transport=transport).supervisor

    def _running(self) -> bool:
        if self.proc.poll() is not None:
            raise AssertionError(f"supervisord exited with {self.proc.returncode}: {self.console.read_text()}")
        try:
            return self.rpc.getState()["statename"] == "RUNNING"
        except OSError:
            return False

    def ctl(self, *args: str) -> str:
        """`supervisorctl -c deploy/supervisord.conf ARGS`, as the docs show it."""
        done = subprocess.run(
            [BIN / "supervisorctl", "-c", CONF, *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    def info(self, name: str) -> dict:
        return self.rpc.getProcessInfo(name)

    def log(self, name: str) -> str:
        path = self.folder / "logs" / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self, signum: int) -> int:
        self.proc.send_signal(signum)
        return self.proc.wait(STOP_TIMEOUT_S)


@pytest.fixture
def supervisord(processor_env, provisioned_topics, tmp_path) -> Iterator[Supervisord]:
    """supervisord on deploy/supervisord.conf with every program stopped, until the test ends."""
    (tmp_path / "logs").mkdir()
    env = {
        **processor_env,
        "AUCTION_DATA_DIR": str(tmp_path),
        "AUCTION_WEB_PORT": str(free_port()),
        "AUCTION_AUTOSTART": "false",
        "AUCTION_DEMO_PROGRAMS": "false",
        "EMAIL_PORT": str(free_port()),
        "STREAMS_NAME_SUFFIX": f"sv{uuid.uuid4().hex[:8]}",  # consumer groups of this test's own
        "STREAMS_METRICS_ADDRESS": "127.0.0.2",
    }
    daemon = Supervisord(env, tmp_path)
    yield daemon
    if daemon.proc.poll() is None:  # the test failed before stopping it
        programs = [info["pid"] for info in daemon.rpc.getAllProcessInfo() if info["pid"]]
        try:
            daemon.stop(signal.SIGTERM)
        except subprocess.TimeoutExpired:
            daemon.proc.kill()
            for pid in programs:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(pid, signal.SIGKILL)


def _holding() -> bool:
    """Whether dead-letters holds its partitions (after a SIGKILL, only a new instance can answer)."""
    return holds_everything(status(DEAD_LETTERS_PORT, host=METRICS_HOST))


def test_a_processor_killed_with_sigkill_is_started_again_and_ctrl_c_stops_every_program(
    supervisord, django_db_blocker
):
    daemon = supervisord
    with django_db_blocker.unblock():  # a fresh group would replay every dead letter of the test broker first
        start_at_log_end("dead-letters", daemon.env)
    assert "dead-letters: started" in daemon.ctl("start", "dead-letters", "mail")
    _until(_holding, START_TIMEOUT_S, "dead-letters holding its partitions")
    assert daemon.env["STREAMS_NAME_SUFFIX"] in daemon.log("dead-letters")  # supervisord passed its environment on
    listening = "capturing mail on 127.0.0.1:" + daemon.env["EMAIL_PORT"]
    _until(lambda: listening in daemon.log("mail"), START_TIMEOUT_S, "the mail server listening on EMAIL_PORT")
    before = daemon.info("dead-letters")
    assert before["statename"] == "RUNNING"

    os.kill(before["pid"], signal.SIGKILL)
    after = _until(
        lambda: (info := daemon.info("dead-letters"))["statename"] == "RUNNING" and info["pid"] != before["pid"] and info,
        RESTART_WITHIN_S,
        "dead-letters RUNNING again under a new pid",
    )
    console = daemon.console.read_text()
    assert "exited: dead-letters (terminated by SIGKILL; not expected)" in console
    assert console.count("spawned: 'dead-letters'") == 2
    _until(_holding, START_TIMEOUT_S, "the new dead-letters holding its partitions")

    pids = [after["pid"], daemon.info("mail")["pid"]]
    assert daemon.stop(signal.SIGINT) == 0  # Ctrl-C
    assert all(_gone(pid) for pid in pids)
    stopping = daemon.console.read_text()[len(console):]
    assert "stopped: dead-letters" in stopping and "stopped: mail" in stopping
    assert "SIGKILL" not in stopping, stopping  # both stopped on SIGTERM, within their stopwaitsecs


def test_sigterm_stops_every_program(supervisord):
    daemon = supervisord
    for name in ("web", "mail"):
        daemon.rpc.startProcess(name, False)  # both at once, without waiting for RUNNING
    url = f"http://127.0.0.1:{daemon.env['AUCTION_WEB_PORT']}/healthz"

    def answers() -> bool:
        try:
            urllib.request.urlopen(url, timeout=5)
        except urllib.error.HTTPError:  # 503: up, though the processors it watches are not
            pass
        except OSError:
            return False
        return True

    _until(answers, START_TIMEOUT_S, "the web server answering on AUCTION_WEB_PORT")
    _until(lambda: "capturing mail on" in daemon.log("mail"), START_TIMEOUT_S, "the mail server listening")
    pids = [daemon.info(name)["pid"] for name in ("web", "mail")]
    assert daemon.stop(signal.SIGTERM) == 0
    assert all(_gone(pid) for pid in pids)
    assert not (daemon.folder / "supervisord.pid").exists() and not (daemon.folder / "supervisor.sock").exists()
