"""Run one processor instance until SIGTERM or SIGINT, without Django.

    python -m streams.runtime.run package.module:PROCESSOR [--instance-id bidding-0 | --instance-slot 0] [--metrics-port 9400]

Settings not given as options come from the environment (see `RuntimeConfig.from_env`).
`manage.py runprocessor` calls `serve` the same way.
"""
from __future__ import annotations

import argparse
import dataclasses
import importlib
import os
import signal
import threading

from streams.runtime import jsonlog
from streams.runtime.config import RuntimeConfig
from streams.runtime.health import Watchdog
from streams.runtime.instances import claim_instance
from streams.runtime.processor import Processor
from streams.runtime.runner import Runner


def load(spec: str) -> Processor:
    """The processor object named `module:attribute`."""
    module_name, _, attribute = spec.partition(":")
    processor = getattr(importlib.import_module(module_name), attribute or "processor")
    if not isinstance(processor, Processor):
        raise TypeError(f"{spec} is a {type(processor).__name__}, not a Processor")
    return processor


def isolated(processor: Processor, suffix: str | None) -> Processor:
    """The processor under its own name (group, transactional id, changelogs, retry topic, the offsets
    its sink keeps), for test isolation: `name-suffix`; unchanged without a suffix."""
    return processor.renamed(f"{processor.name}-{suffix}") if suffix else processor


def deployed(processor: Processor) -> Processor:
    """The processor under the name it runs as here: renamed by `STREAMS_NAME_SUFFIX` when that is set.

    The one place that decides it: `serve` runs processors so, and whatever reads what they keep
    (the ops page's lag, rebuilds, resets) looks them up so."""
    return isolated(processor, os.environ.get("STREAMS_NAME_SUFFIX"))


def serve(processor: Processor, config: RuntimeConfig | None = None) -> None:
    """Log as JSON, serve metrics and health, and run until a signal asks to stop (finishing the open
    transaction), or until the loop stops stepping: then the watchdog ends the process, so that its
    supervisor starts a fresh one.

    `STREAMS_NAME_SUFFIX` in the environment renames the processor, so that test runs sharing a
    broker never share a consumer group or state.
    """
    config = config or RuntimeConfig.from_env()
    processor = deployed(processor)
    jsonlog.configure(processor.name)
    # held until the process ends: no other instance on this host runs under the same id meanwhile
    claim = claim_instance(processor.name, bootstrap_servers=config.bootstrap_servers,
                           instance_id=config.instance_id, slot=config.instance_slot)
    config = dataclasses.replace(config, instance_id=claim.instance_id)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    runner = Runner(processor, config)
    Watchdog(runner.health).start()
    runner.run(stop)
    claim.release()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m streams.runtime.run", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("processor", help="module:attribute of a Processor (the attribute defaults to `processor`)")
    parser.add_argument("--bootstrap-servers")
    parser.add_argument("--instance-id")
    parser.add_argument("--instance-slot", type=int)
    parser.add_argument("--metrics-port", type=int)
    parser.add_argument("--static-membership", action="store_true", default=None)
    options = parser.parse_args(argv)
    config = RuntimeConfig.from_env(
        bootstrap_servers=options.bootstrap_servers,
        instance_id=options.instance_id,
        instance_slot=options.instance_slot,
        metrics_port=options.metrics_port,
        static_membership=options.static_membership,
    )
    serve(load(options.processor), config)


if __name__ == "__main__":
    main()
