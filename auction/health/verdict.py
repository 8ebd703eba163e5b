"""The health verdict: dependencies' states and processor instances' statuses in, a judgement out (pure).

A processor fails when
- no instance of it is live (none answers /status, or every one that does says alive=false);
- the partitions its live instances hold, together, are not all of its partitions (`task_count`
  per input; in particular when none is held, or none is assigned yet);
- an instance keeps aborting the same batch (`aborts_in_a_row` at `aborts_failing` or more).
A dependency fails when its probe says anything but "ok". The whole is healthy when nothing fails.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

from auction.health.status import InstanceStatus

ABORTS_FAILING = 3
MISSING_SHOWN = 10


class Verdict:
    """A judgement: healthy when nothing fails, and its JSON starts by saying so and why."""

    failing: Sequence[str]

    @property
    def healthy(self) -> bool:
        return not self.failing

    def _verdict_json(self) -> dict:
        return {"status": "ok" if self.healthy else "failing", "failing": list(self.failing)}


@dataclass(frozen=True)
class ProcessorHealth(Verdict):
    name: str
    failing: tuple[str, ...]
    """Why it fails, in words an operator acts on; empty when it is healthy."""
    instances_configured: int
    instances_alive: int
    tasks_held: tuple[int, ...]
    """Union over live instances of the partition numbers (per input) they hold."""
    task_count: int
    """Partitions per input, as the live instances report it (0: none assigned yet)."""
    partitions_held: int
    """Input partitions held by live instances, over all inputs."""
    lag: int | None
    """Records not yet read, summed over live instances; None when none reports it."""
    last_commit_age_s: float | None
    """Since the most recent commit of any live instance."""
    aborts_in_a_row: int
    """The most of any instance that answers."""
    dead_letters: int
    """Sent since the instances started, summed."""
    instances: tuple[InstanceStatus, ...]

    def as_json(self) -> dict:
        return {
            **self._verdict_json(),
            "instances_alive": self.instances_alive,
            "instances_configured": self.instances_configured,
            "tasks_held": list(self.tasks_held),
            "task_count": self.task_count,
            "partitions_held": self.partitions_held,
            "lag": self.lag,
            "last_commit_age_s": self.last_commit_age_s,
            "aborts_in_a_row": self.aborts_in_a_row,
            "dead_letters": self.dead_letters,
            "instances": [_instance_json(instance) for instance in self.instances],
        }


@dataclass(frozen=True)
class HealthReport(Verdict):
    dependencies: dict[str, str]
    processors: dict[str, ProcessorHealth]

    @property
    def failing(self) -> list[str]:
        return [f"{name}: {state}" for name, state in self.dependencies.items() if state != "ok"] + [
            f"{name}: {reason}" for name, health in self.processors.items() for reason in health.failing
        ]

    def as_json(self) -> dict:
        return {
            **self._verdict_json(),
            "dependencies": dict(self.dependencies),
            "processors": {name: health.as_json() for name, health in self.processors.items()},
        }


def _instance_json(status: InstanceStatus) -> dict:
    shown = asdict(status)
    shown["answered"] = status.answered
    shown["partitions_held"] = list(status.partitions_held)
    shown["tasks_held"] = list(status.tasks_held)
    return shown


def _numbers(numbers: Sequence[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:MISSING_SHOWN])
    return shown + (f" and {len(numbers) - MISSING_SHOWN} more" if len(numbers) > MISSING_SHOWN else "")


def _counted(status: InstanceStatus, group: str | None) -> InstanceStatus:
    """An instance answering as another processor (a target pointing at the wrong port) does not count."""
    if group is None or status.error is not None or status.processor in (None, group):
        return status
    return InstanceStatus(url=status.url, error=f"answers as {status.processor}, not {group}")


def judge_processor(
    name: str,
    instances: Sequence[InstanceStatus],
    *,
    group: str | None = None,
    aborts_failing: int = ABORTS_FAILING,
) -> ProcessorHealth:
    """One processor's health from its configured instances' statuses (`group`: the name they must answer as)."""
    instances = tuple(_counted(status, group) for status in instances)
    answering = [status for status in instances if status.answered]
    live = [status for status in answering if status.alive]
    task_count = max((status.task_count for status in live), default=0)
    held = sorted({task for status in live for task in status.tasks_held if 0 <= task < task_count})
    failing = []
    if not live:
        if answering:
            failing.append(f"no live instance ({len(answering)} of {len(instances)} answer, none alive)")
        else:
            failing.append(f"no live instance (none of {len(instances)} answers)")
    elif task_count == 0:
        failing.append("holds no partitions (none assigned yet)")
    elif len(held) < task_count:
        missing = sorted(set(range(task_count)) - set(held))
        failing.append(
            f"holds {len(held)} of {task_count} partitions" + (f" (not held: {_numbers(missing)})" if held else "")
        )
    aborting = [status for status in answering if status.aborts_in_a_row >= aborts_failing]
    for status in aborting:
        failing.append(
            f"keeps aborting: {status.aborts_in_a_row} transactions aborted in a row"
            + (f" (instance {status.instance})" if status.instance else f" ({status.url})")
        )
    lags = [status.lag for status in live if status.lag is not None]
    commits = [status.last_commit_age_s for status in live if status.last_commit_age_s is not None]
    return ProcessorHealth(
        name=name,
        failing=tuple(failing),
        instances_configured=len(instances),
        instances_alive=len(live),
        tasks_held=tuple(held),
        task_count=task_count,
        partitions_held=len({partition for status in live for partition in status.partitions_held}),
        lag=sum(lags) if lags else None,
        last_commit_age_s=min(commits) if commits else None,
        aborts_in_a_row=max((status.aborts_in_a_row for status in answering), default=0),
        dead_letters=sum(status.dead_letters for status in answering),
        instances=instances,
    )


def judge(
    dependencies: Mapping[str, str],
    processors: Mapping[str, Sequence[InstanceStatus]],
    *,
    groups: Mapping[str, str] | None = None,
    aborts_failing: int = ABORTS_FAILING,
) -> HealthReport:
    """The verdict on everything: every dependency's state, every watched processor's instances."""
    groups = groups or {}
    return HealthReport(
        dependencies=dict(dependencies),
        processors={
            name: judge_processor(name, instances, group=groups.get(name), aborts_failing=aborts_failing)
            for name, instances in processors.items()
        },
    )
