"""The platform's processors on a test's private topics, as subprocesses a test can SIGKILL and restart.

On the shared auction topics every run's bidding processor decides every bid (see
`tests.integration.coreflow.private_topics`), so what a crashed processor made of the log can only
be held to "exactly once" on topics of the test's own. Each processor here is the production
declaration (decoder, handler, sink logic) with its inputs renamed to the private twins and its sink
keeping offsets and watermarks under a consumer name of its own.

A subprocess runs one of them with `python -m tests.integration.crash.processes NAME`, the prefix in
`COREFLOW_TOPICS`; `CrashableProcess` starts it (or the private bidding processor) on a fixed
metrics port, kills it and starts it again.
"""
from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from tests.integration.conftest import START_TIMEOUT_S, ProcessorProcess
from tests.integration.coreflow.private_topics import PREFIX_VARIABLE, private

ROOT = Path(__file__).resolve().parents[3]
KILLED = ("projector", "analytics", "notifications", "live")
"""The processors the crash tests kill (the bidding processor has its own crash test)."""
ANALYTICS_WINDOW = timedelta(seconds=5)
"""Five-second windows instead of a minute, so that a run of a minute fills a dozen of them."""
ANALYTICS_LATENESS = timedelta(seconds=2)


def consumer_name(name: str, prefix: str) -> str:
    """The sink's consumer (offsets, watermarks) and the processor's name on the private topics."""
    return f"{name}-{prefix}"


def private_processor(name: str, prefix: str, *, consumer: str | None = None):
    """The platform's processor `name` reading the private twins of its inputs.

    `consumer` (default `consumer_name(name, prefix)`) names the processor and its sink's stored
    offsets: a second instance under another consumer reads the same topics from the beginning."""
    from auction.analytics.processor import analytics_sink
    from auction.processors import processor_named
    from auction.streaming.sink import PostgresSink
    from streams.analytics.policy import Policy
    from streams.runtime.processor import DEAD_LETTER_TOPIC

    consumer = consumer or consumer_name(name, prefix)
    original = processor_named(name)
    if name in ("projector", "notifications"):
        sink = PostgresSink(consumer, original.sink.apply, original.sink.tables)
    elif name == "analytics":
        sink = analytics_sink(consumer, Policy(window=ANALYTICS_WINDOW, allowed_lateness=ANALYTICS_LATENESS,
                                              hot_window=timedelta(minutes=10)))
    elif name == "live":
        sink = original.sink  # stores nothing: starts at the end of whatever partitions it is given
    else:
        raise LookupError(f"no private {name} processor")
    return dataclasses.replace(
        original,
        name=consumer,
        inputs=tuple(private(prefix, topic) for topic in original.inputs),
        dead_letter_topic=private(prefix, DEAD_LETTER_TOPIC),
        sink=sink,
    )


def served_consumer(name: str, prefix: str, env) -> str:
    """The sink consumer of `name`'s private processor as `main` serves it: renamed, offsets and watermarks
    included, by the environment's STREAMS_NAME_SUFFIX (`streams.runtime.run.deployed`), as every processor is."""
    from streams.runtime.run import isolated

    return isolated(private_processor(name, prefix), env.get("STREAMS_NAME_SUFFIX")).sink.consumer


class CrashableProcess(ProcessorProcess):
    """A processor subprocess on the test's private topics; its /status stays on the same port across restarts."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log_path: Path) -> None:
        super().__init__(name, env, log_path)
        self.argv = argv
        self.starts = 0

    @classmethod
    def of(cls, name: str, prefix: str, env: dict[str, str], log_dir: Path) -> CrashableProcess:
        env = {**env, PREFIX_VARIABLE: prefix, "STREAMS_STATIC_MEMBERSHIP": "1"}  # a restart takes its partitions straight back
        if name == "bidding":
            argv = ["-m", "streams.runtime.run", "tests.integration.coreflow.private_topics:bidding"]
        else:
            argv = ["-m", "tests.integration.crash.processes", name]
        return cls(name, argv, {**env, "STREAMS_INSTANCE_ID": f"{name}-0"}, log_dir / f"{name}.log")

    def start(self, *, wait_ready: bool = True, timeout_s: float = START_TIMEOUT_S) -> CrashableProcess:
        self.starts += 1
        with self.log_path.open("ab") as log:
            log.write(f"--- start {self.starts} at {datetime.now(timezone.utc).isoformat()} ---\n".encode())
            log.flush()
            self.proc = subprocess.Popen([sys.executable, *self.argv], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        if wait_ready:
            self.wait_ready(timeout_s)
        return self


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "auction.settings")
    import django

    django.setup()
    from streams.runtime.config import RuntimeConfig
    from streams.runtime.run import serve

    name = argv[0]
    serve(private_processor(name, os.environ[PREFIX_VARIABLE]), RuntimeConfig.from_env())


if __name__ == "__main__":
    main(sys.argv[1:])
