"""The processor status contract, as the web side reads it.

Every processor instance serves, on its metrics port, `GET /status`: a JSON object, answered 200
for as long as the process answers at all:

    {"processor": "projector-t1a2b", "instance": "ab12cd34", "alive": true, "ready": true,
     "last_step_age_s": 0.2, "partitions_held": ["auction.items:0", ...], "tasks_held": [0, 1, ...],
     "task_count": 12, "aborts_in_a_row": 0, "last_commit_age_s": 1.5, "lag": 0, "dead_letters": 0}

`task_count` is the number of partitions of each input (0 before the first assignment);
`tasks_held` the partition numbers this instance holds; `lag` the sum over the partitions it holds.
`fetch_status` never raises: an instance that does not answer, or answers something else, is an
`InstanceStatus` with the reason in `error`.
"""
from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
"""Processors' endpoints are never reached through an HTTP proxy the environment may name."""


@dataclass(frozen=True)
class InstanceStatus:
    url: str
    """The /status URL it was read from."""
    error: str | None = None
    """Why there is no status (not answering, not the contract); None when it answered."""
    processor: str | None = None
    instance: str | None = None
    alive: bool = False
    ready: bool = False
    last_step_age_s: float | None = None
    partitions_held: tuple[str, ...] = ()
    tasks_held: tuple[int, ...] = ()
    task_count: int = 0
    aborts_in_a_row: int = 0
    last_commit_age_s: float | None = None
    lag: int | None = None
    dead_letters: int = 0

    @property
    def answered(self) -> bool:
        return self.error is None

    @property
    def live(self) -> bool:
        return self.answered and self.alive


def _number(data: dict, name: str, kind: type, *, optional: bool = False, default: Any = None):
    value = data.get(name, default)
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{name} is not a number")
    return kind(value)


def parse_status(url: str, data: Any) -> InstanceStatus:
    """The contract's object as an `InstanceStatus`; ValueError when it is not one."""
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    for flag in ("alive", "ready"):
        if not isinstance(data.get(flag), bool):
            raise ValueError(f"{flag} is not true or false")
    tasks = data.get("tasks_held", [])
    partitions = data.get("partitions_held", [])
    if not isinstance(tasks, list) or not all(isinstance(t, int) and not isinstance(t, bool) for t in tasks):
        raise ValueError("tasks_held is not a list of partition numbers")
    if not isinstance(partitions, list):
        raise ValueError("partitions_held is not a list")
    return InstanceStatus(
        url=url,
        processor=None if data.get("processor") is None else str(data["processor"]),
        instance=None if data.get("instance") is None else str(data["instance"]),
        alive=data["alive"],
        ready=data["ready"],
        last_step_age_s=_number(data, "last_step_age_s", float, optional=True),
        partitions_held=tuple(str(p) for p in partitions),
        tasks_held=tuple(sorted(set(tasks))),
        task_count=_number(data, "task_count", int, default=0),
        aborts_in_a_row=_number(data, "aborts_in_a_row", int, default=0),
        last_commit_age_s=_number(data, "last_commit_age_s", float, optional=True),
        lag=_number(data, "lag", int, optional=True),
        dead_letters=_number(data, "dead_letters", int, default=0),
    )


def unanswered(url: str, reason: str) -> InstanceStatus:
    return InstanceStatus(url=url, error=reason)


def fetch_status(url: str, timeout_s: float) -> InstanceStatus:
    """GET the instance's /status; never raises."""
    try:
        with _OPENER.open(url, timeout=timeout_s) as response:
            body = response.read(1_000_000)
    except urllib.error.HTTPError as error:
        return unanswered(url, f"/status answered HTTP {error.code}")
    except (socket.timeout, TimeoutError):
        return unanswered(url, f"no answer within {timeout_s:g} s")
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, (socket.timeout, TimeoutError)):
            return unanswered(url, f"no answer within {timeout_s:g} s")
        if isinstance(reason, ConnectionRefusedError):
            return unanswered(url, "not answering (connection refused)")
        return unanswered(url, f"not answering ({reason})")
    except (OSError, ValueError) as error:
        return unanswered(url, f"not answering ({type(error).__name__})")
    try:
        return parse_status(url, json.loads(body))
    except ValueError as error:  # JSONDecodeError included
        return unanswered(url, f"/status is not the status contract ({error})")
