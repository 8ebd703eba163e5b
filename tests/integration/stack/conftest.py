"""Throwaway profiles: free ports and a fresh state folder each, stopped and deleted afterwards.

These tests start their own servers, so they never touch the `test` profile the rest of the suite
uses. State goes under /tmp rather than pytest's tmp_path: PostgreSQL runs as an unprivileged user
when we are root, and pytest keeps its temp root closed to other users.
"""

import shutil
import socket
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from deploy.stack import Profile, Stack


def _free_ports(count: int) -> list[int]:
    with ExitStack() as sockets:
        probes = [sockets.enter_context(socket.socket()) for _ in range(count)]
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [probe.getsockname()[1] for probe in probes]


@pytest.fixture(scope="module")
def make_stack() -> Iterator[Callable[[], Stack]]:
    """A factory of stacks on throwaway profiles, none of them pointed at external servers."""
    made: list[Stack] = []

    def make() -> Stack:
        kafka, controller, postgres, redis = _free_ports(4)
        profile = Profile(
            name=f"it-{uuid.uuid4().hex[:8]}", kafka_port=kafka, controller_port=controller,
            postgres_port=postgres, redis_port=redis,
            state_dir=Path(tempfile.mkdtemp(prefix="auction-stack-")), durable=False,
        )
        made.append(Stack(profile, environ={}))
        return made[-1]

    yield make
    for stack in made:
        stack.down()
        shutil.rmtree(stack.profile.state_dir)
