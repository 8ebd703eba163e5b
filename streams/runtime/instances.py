"""A unique, stable instance id for each running instance of a processor on this host.

The id names the instance's transactional id and static group membership (`config.py`): two live
instances under one id fence each other. So an instance holds its id by an exclusive lock on a file
named after it (`fcntl.flock`, released by the kernel however the process ends, SIGKILL included),
in a folder per user (`STREAMS_INSTANCE_LOCK_DIR`, default under the system's temp folder), keyed by
the cluster's address so stacks on one machine never contend:

- an instance given an id (`--instance-id`, `STREAMS_INSTANCE_ID`) or a slot (`--instance-slot N`:
  the id `<processor>-N`) refuses to start while another instance here holds it (`InstanceTaken`);
- an instance given neither takes the lowest free slot: the first is `<processor>-0`, a second
  beside it `<processor>-1`, and one restarted after a crash takes its dead predecessor's slot back,
  so it fences it at once.

The lock only sees this host: instances on several hosts need ids that differ by host (give slots or
ids per host).
"""
from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Mapping

LOCK_DIR_VARIABLE = "STREAMS_INSTANCE_LOCK_DIR"
MAX_SLOTS = 256


class InstanceTaken(RuntimeError):
    """The instance id asked for is held by another live instance on this host."""


@dataclass
class Claim:
    """An instance id held by this process until `release` (or its exit)."""

    instance_id: str
    slot: int | None
    """The slot the id came from; None for an id given as such."""
    lock_file: IO[str]

    def release(self) -> None:
        self.lock_file.close()


def lock_dir(env: Mapping[str, str] = os.environ) -> Path:
    return Path(env.get(LOCK_DIR_VARIABLE) or Path(tempfile.gettempdir()) / f"streams-instances-{os.getuid()}")


def slot_id(processor: str, slot: int) -> str:
    return f"{processor}-{slot}"


def claim_instance(processor: str, *, bootstrap_servers: str, instance_id: str | None = None,
                   slot: int | None = None, folder: Path | None = None) -> Claim:
    """Hold `instance_id`, or the id of `slot`, or the lowest free slot's id, for `processor` on this cluster."""
    folder = folder or lock_dir()
    folder.mkdir(parents=True, exist_ok=True)
    cluster = hashlib.sha1(bootstrap_servers.encode()).hexdigest()[:10]
    if instance_id is not None or slot is not None:
        wanted = instance_id if instance_id is not None else slot_id(processor, slot)
        claim = _try_lock(folder, cluster, processor, wanted, slot)
        if claim is None:
            raise InstanceTaken(
                f"processor {processor}: instance id {wanted!r} is already held by another running instance on "
                f"this host (lock in {folder}); stop that one, or start this one with another id or slot, or "
                "with neither to take a free slot"
            )
        return claim
    for candidate in range(MAX_SLOTS):
        claim = _try_lock(folder, cluster, processor, slot_id(processor, candidate), candidate)
        if claim is not None:
            return claim
    raise InstanceTaken(f"processor {processor}: all {MAX_SLOTS} instance slots on this host are taken")


def _try_lock(folder: Path, cluster: str, processor: str, instance_id: str, slot: int | None) -> Claim | None:
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in f"{processor}@{instance_id}")
    lock_file = open(folder / f"{cluster}-{safe}.lock", "a")
    try:
        fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock_file.close()
        return None
    return Claim(instance_id=instance_id, slot=slot, lock_file=lock_file)
