"""What a benchmark hands the harness (`python -m tests.benchmarks`), and what the harness hands it.

A benchmark module of this package defines `SECTION` (its heading in docs/reference/performance.md) and
`measure(bench: Bench) -> list[Figure]`; the harness starts the servers, calls every `measure`
in turn on a quiet machine and writes the figures, with their baselines and goals, into
docs/reference/performance.md. Nothing in a benchmark asserts: a missed goal is a figure like any other.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Figure:
    """One measured figure, next to the baseline it is judged against in the same run.

    `samples` is how many observations a percentile rests on; `failures` counts what did not
    succeed apart from the figure (responses that were not 2xx, dead-lettered records).
    """

    name: str
    value: float
    unit: str
    goal: str = ""
    baseline: str = ""
    baseline_value: float | None = None
    samples: int | None = None
    failures: int | None = None

    @property
    def ratio(self) -> float | None:
        if not self.baseline_value:
            return None
        return self.value / self.baseline_value


@dataclass(frozen=True)
class Bench:
    """The servers and the size of one harness run.

    `database_url` names a scratch database the harness created and migrated for this run;
    `smoke` asks for tiny sizes (the whole smoke run stays under a minute, in CI).
    """

    bootstrap: str
    database_url: str
    redis_url: str
    smoke: bool = False
    profile: str | None = None
    """The deploy.stack profile whose servers these are (None: a standalone run's, from the environment)."""
    notes: list[str] = field(default_factory=list)

    def size(self, full: int, smoke: int) -> int:
        return smoke if self.smoke else full

    def note(self, text: str) -> None:
        """A line printed under the section's table (what was run, where the time went)."""
        self.notes.append(text)
