"""The lifecycle shared by every server of a profile: start once, find again, refuse taken ports, stop."""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
from collections.abc import Iterable, Iterator, Mapping
from typing import Protocol

from .errors import StackError
from .kafka_server import KafkaServer
from .postgres_server import PostgresServer
from .processes import Launch, is_alive, our_pid, port_accepts_connections, spawn_detached, stop_process, wait_until
from .profiles import Profile, named_profile
from .redis_server import RedisServer

SERVER_NAMES = ("kafka", "postgres", "redis")
URL_VARIABLES = {"kafka": "KAFKA_BOOTSTRAP_SERVERS", "postgres": "DATABASE_URL", "redis": "REDIS_URL"}
# How many replicas topics get, and how many must have a write (read by `streams.provisioning`).
REPLICATION_VARIABLE, MIN_INSYNC_VARIABLE = "KAFKA_REPLICATION_FACTOR", "KAFKA_MIN_INSYNC_REPLICAS"
STOP_GRACE_SECONDS = 30.0


class Server(Protocol):
    """What the stack needs to know about one kind of server."""

    name: str
    stop_signal: signal.Signals
    ready_timeout: float

    def ports(self) -> dict[int, str]:
        """Every port it listens on, with a label for error messages."""

    def marker(self) -> str:
        """An argument on its command line that no other profile's server has (a config or data path)."""

    def url(self) -> str:
        """How clients reach it (the value of its URL_VARIABLES entry)."""

    def prepare(self) -> Launch:
        """Do the one-time setup it needs, then say how to run it."""

    def is_ready(self) -> bool:
        """Whether clients can use it now."""

    def on_ready(self) -> None:
        """Setup that needs it running (e.g. create the application database)."""


def external_urls(environ: Mapping[str, str], own_urls: Mapping[str, str]) -> dict[str, str]:
    """Servers the environment points elsewhere (e.g. DATABASE_URL), which the stack must leave alone.

    A variable holding this profile's own URL is not external: that is what `eval "$(... env)"`
    leaves behind, and the stack must still be able to stop its servers afterwards.
    """
    return {
        name: environ[variable]
        for name, variable in URL_VARIABLES.items()
        if environ.get(variable) and environ[variable] != own_urls[name]
    }


class Stack:
    """The servers of one profile. Servers given by the environment are external and never started here.

    A profile with several Kafka nodes has one server per node (`kafka_nodes()`: kafka-1, kafka-2, …);
    the name `kafka` stands for all of them, and each can also be started, stopped or killed alone.
    """

    def __init__(self, profile: Profile, environ: Mapping[str, str] | None = None) -> None:
        self.profile = profile
        self._kafka = [KafkaServer(profile, node.node_id) for node in profile.kafka_nodes]
        servers: tuple[Server, ...] = (*self._kafka, PostgresServer(profile), RedisServer(profile))
        self._servers = {server.name: server for server in servers}
        own_urls = {"kafka": self._kafka_url(), "postgres": self._servers["postgres"].url(),
                    "redis": self._servers["redis"].url()}
        self._external = external_urls(os.environ if environ is None else environ, own_urls)

    def kafka_nodes(self) -> dict[str, int]:
        """The Kafka servers' names and their node ids (broker ids)."""
        return {server.name: server.node.node_id for server in self._kafka}

    def _kafka_url(self) -> str:
        return ",".join(server.url() for server in self._kafka)

    def _expand(self, names: Iterable[str]) -> list[str]:
        """Server names with `kafka` standing for every Kafka node."""
        return [node for name in names for node in (self.kafka_nodes() if name == "kafka" else (name,))]

    @classmethod
    def for_profile(cls, name: str, environ: Mapping[str, str] | None = None) -> Stack:
        environ = os.environ if environ is None else environ
        return cls(named_profile(name, environ), environ)

    def up(self, names: Iterable[str] = SERVER_NAMES) -> None:
        """Start every named local server that is not running, and wait until all are ready.

        All are launched before any is awaited, so their start-up times overlap.
        """
        local = [name for name in self._expand(names) if not self.is_external(name)]
        with self._lock():
            pids = {name: self._launch(name) for name in local}
            for name, pid in pids.items():
                self._await_ready(name, pid)

    def down(self, names: Iterable[str] = SERVER_NAMES) -> None:
        with self._lock():
            for name in self._expand(names):
                self._stop(name)

    def kill(self, name: str) -> None:
        """SIGKILL one server, as a crash would (no clean shutdown), and wait until it is gone."""
        with self._lock():
            pid = self._pid(name)
            if pid is not None:
                stop_process(pid, signal.SIGKILL, STOP_GRACE_SECONDS)

    def start(self, name: str) -> None:
        self.up([name])

    def stop(self, name: str) -> None:
        self.down([name])

    def is_running(self, name: str) -> bool:
        return all(self._pid(node) is not None for node in self._expand([name]))

    def is_external(self, name: str) -> bool:
        """Whether the environment points clients elsewhere; a Kafka node is external when Kafka is."""
        if name != "kafka":
            self._server(name)
        return ("kafka" if name in self.kafka_nodes() else name) in self._external

    def env(self) -> dict[str, str]:
        """Where clients find each server; for a secure profile's own Kafka also how they authenticate (as its admin)."""
        own = {"kafka": self._kafka_url(), "postgres": self._servers["postgres"].url(),
               "redis": self._servers["redis"].url()}
        env = {variable: self._external.get(name) or own[name] for name, variable in URL_VARIABLES.items()}
        if not self.is_external("kafka"):
            env |= self._kafka[0].client_env()
        if not self.is_external("kafka") and len(self._kafka) > 1:  # one node: the registry's default, one replica
            env |= {REPLICATION_VARIABLE: str(self.profile.replication_factor),
                    MIN_INSYNC_VARIABLE: str(self.profile.min_insync_replicas)}
        return env

    def _server(self, name: str) -> Server:
        try:
            return self._servers[name]
        except KeyError:
            choices = [*SERVER_NAMES, *(self.kafka_nodes() if len(self._kafka) > 1 else ())]
            raise StackError(f"unknown server {name!r}; choose from {', '.join(choices)}") from None

    def _pid(self, name: str) -> int | None:
        server = self._server(name)
        return our_pid(self.profile.pid_file(name), server.marker())

    def _launch(self, name: str) -> int:
        """The pid of this profile's server, started now unless it already runs."""
        running = self._pid(name)
        if running is not None:
            return running
        server = self._server(name)
        for port, label in server.ports().items():
            if port_accepts_connections(port):
                raise StackError(
                    f"port {port} ({label}, profile {self.profile.name}) is taken by another process; "
                    f"stop it (e.g. `ss -ltnp 'sport = :{port}'` shows which) or use another profile"
                )
        return spawn_detached(server.prepare(), self.profile.log_file(name), self.profile.pid_file(name))

    def _await_ready(self, name: str, pid: int) -> None:
        server = self._server(name)
        log_file = self.profile.log_file(name)
        if not wait_until(lambda: not is_alive(pid) or server.is_ready(), server.ready_timeout):
            raise StackError(f"{name} did not become ready within {server.ready_timeout:.0f} s; see {log_file}")
        if not is_alive(pid):
            raise StackError(f"{name} exited while starting; see {log_file}")
        server.on_ready()

    def _stop(self, name: str) -> None:
        pid = self._pid(name)
        if pid is not None:
            stop_process(pid, self._server(name).stop_signal, STOP_GRACE_SECONDS)
        self.profile.pid_file(name).unlink(missing_ok=True)

    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        """Serialize up/down of one profile, so two callers never start the same server twice."""
        self.profile.state_dir.mkdir(parents=True, exist_ok=True)
        with open(self.profile.state_dir / ".lock", "w") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            yield
