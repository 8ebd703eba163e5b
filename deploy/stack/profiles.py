"""Named sets of ports and a state folder, so several stacks can run side by side on one machine."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .errors import StackError

REPO_ROOT = Path(__file__).resolve().parents[2]
STATE_ROOT_VARIABLE = "AUCTION_STATE_DIR"


@dataclass(frozen=True)
class Profile:
    """Where one stack listens and keeps its data.

    `durable=False` trades crash safety of PostgreSQL for speed; only the test profile wants that.
    `secure_kafka=True` runs Kafka as production does: SASL/SCRAM over TLS and ACLs (`kafka_secure`).
    """

    name: str
    kafka_port: int
    controller_port: int
    postgres_port: int
    redis_port: int
    state_dir: Path
    durable: bool = True
    secure_kafka: bool = False

    @property
    def logs_dir(self) -> Path:
        return self.state_dir / "logs"

    def data_dir(self, server: str) -> Path:
        return self.state_dir / server

    def log_file(self, server: str) -> Path:
        return self.logs_dir / f"{server}.log"

    def pid_file(self, server: str) -> Path:
        return self.state_dir / f"{server}.pid"


# name: (kafka, controller, postgres, redis, durable)
_NAMED = {
    "demo": (19092, 19093, 15432, 16379, True),
    "test": (29092, 29093, 25432, 26379, False),
    "dev": (39092, 39093, 35432, 36379, True),
}
# `dev1` … `dev9`: more development stacks beside `dev` (one per work tree), each 100 ports further on.
_NUMBERED_DEV = {f"dev{n}": tuple(port + 100 * n for port in _NAMED["dev"][:4]) + (True,) for n in range(1, 10)}
# `secure`: Kafka with SASL/SCRAM over TLS and ACLs, as in production; the suite starts it to prove the
# platform's clients work with it (tests/integration/security).
_SECURE = {"secure": (49092, 49093, 45432, 46379, True)}
PROFILE_NAMES = tuple(_NAMED) + tuple(_NUMBERED_DEV) + tuple(_SECURE)


def state_root(environ: Mapping[str, str]) -> Path:
    """The folder holding one state folder per profile: `var/` in the repo unless overridden."""
    override = environ.get(STATE_ROOT_VARIABLE)
    return Path(override).resolve() if override else REPO_ROOT / "var"


def named_profile(name: str, environ: Mapping[str, str] = os.environ) -> Profile:
    ports = _NAMED.get(name) or _NUMBERED_DEV.get(name) or _SECURE.get(name)
    if ports is None:
        raise StackError(f"unknown profile {name!r}; choose one of {', '.join(PROFILE_NAMES)}")
    kafka, controller, postgres, redis, durable = ports
    return Profile(
        name=name,
        kafka_port=kafka,
        controller_port=controller,
        postgres_port=postgres,
        redis_port=redis,
        state_dir=state_root(environ) / name,
        durable=durable,
        secure_kafka=name in _SECURE,
    )
