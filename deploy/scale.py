"""More than one instance of the platform's programs: `deploy/demo --scale bidding=2,projector=2,web=2`.

    python -m deploy.scale bidding=2,projector=2,web=2 --folder var/demo/supervisor.d

deploy/supervisord.conf runs one instance of each processor, in slot 0 (instance id `NAME-0`, its
metrics on the config's port). For `NAME=N` this writes, into `--folder/scale.conf` (which
supervisord.conf includes), `[program:NAME-1]` … `[program:NAME-(N-1)]`: copies of the processor's
program running `--instance-slot K` (instance id `NAME-K`, metrics on the port + 100·K). Instances of
one processor share its partitions: Kafka's group protocol hands each a share and moves state over
when one comes or goes. `web=M` runs M uvicorn worker processes on the one web port (uvicorn's
`WEB_CONCURRENCY`). It prints the shell exports the demo needs: `WEB_CONCURRENCY`, and
`OPS_METRICS_TARGETS` naming every instance, so /healthz and /ops/ watch them all.
"""
from __future__ import annotations

import argparse
import configparser
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

DEPLOY_DIR = Path(__file__).resolve().parent
CONF = DEPLOY_DIR / "supervisord.conf"
METRICS_PORT_STRIDE = 100  # as `manage.py runprocessor --instance-slot`
MAX_INSTANCES = 6
"""More instances than the auction topics' partitions would leave some idle."""
WEB = "web"


class ScaleError(ValueError):
    pass


def processor_programs(conf_text: str) -> dict[str, configparser.SectionProxy]:
    """The programs of the config that run a processor (`manage.py runprocessor NAME --metrics-port P`)."""
    parser = configparser.RawConfigParser(inline_comment_prefixes=(";", "#"))
    parser.read_string(conf_text)
    return {
        section.removeprefix("program:"): parser[section]
        for section in parser.sections()
        if section.startswith("program:") and "runprocessor" in shlex.split(parser[section]["command"])
    }


def metrics_port(program: configparser.SectionProxy) -> int:
    argv = shlex.split(program["command"])
    return int(argv[argv.index("--metrics-port") + 1])


def parse_scale(text: str, processors: Sequence[str]) -> dict[str, int]:
    """`bidding=2,web=3` → {"bidding": 2, "web": 3}; unknown names and counts outside 1…6 are refused."""
    counts: dict[str, int] = {}
    for part in filter(None, (piece.strip() for piece in text.split(","))):
        name, equals, count = part.partition("=")
        name = name.strip()
        if not equals or not count.strip().isdigit():
            raise ScaleError(f"--scale: {part!r} is not NAME=COUNT (e.g. bidding=2)")
        if name not in (*processors, WEB):
            raise ScaleError(f"--scale: no program {name!r} to scale; choose from {', '.join([*processors, WEB])}")
        if not 1 <= int(count) <= MAX_INSTANCES:
            raise ScaleError(f"--scale: {name}={count}: between 1 and {MAX_INSTANCES} instances")
        counts[name] = int(count)
    return counts


def extra_programs(conf_text: str, counts: dict[str, int]) -> str:
    """The config for every instance beyond the first of each scaled processor."""
    programs = processor_programs(conf_text)
    out = configparser.RawConfigParser()
    out.optionxform = str  # keep supervisor's keys as written
    for name, count in counts.items():
        if name == WEB:
            continue
        base = programs[name]
        for slot in range(1, count):
            section = f"program:{name}-{slot}"
            out.add_section(section)
            for key, value in base.items():
                # %(here)s is the folder of the file a section is in: this one's is elsewhere
                out.set(section, key, value.replace("%(here)s", str(DEPLOY_DIR)))
            out.set(section, "command", out.get(section, "command") + f" --instance-slot {slot}")
    lines: list[str] = ["; written by `python -m deploy.scale` (deploy/demo --scale): extra instances"]
    for section in out.sections():
        lines += ["", f"[{section}]", *(f"{key}={value}" for key, value in out.items(section))]
    return "\n".join(lines) + "\n"


def metrics_targets(conf_text: str, counts: dict[str, int]) -> str:
    """`OPS_METRICS_TARGETS` for every instance of every processor."""
    entries = []
    for name, program in processor_programs(conf_text).items():
        port = metrics_port(program)
        urls = [f"http://127.0.0.1:{port + METRICS_PORT_STRIDE * slot}/metrics" for slot in range(counts.get(name, 1))]
        entries.append(f"{name}={'|'.join(urls)}")
    return ",".join(entries)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.scale", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scale", help="NAME=COUNT,… (processors and web)")
    parser.add_argument("--folder", type=Path, required=True, help="where scale.conf goes (supervisord includes it)")
    args = parser.parse_args(argv)
    conf_text = CONF.read_text()
    try:
        counts = parse_scale(args.scale, list(processor_programs(conf_text)))
    except ScaleError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    args.folder.mkdir(parents=True, exist_ok=True)
    (args.folder / "scale.conf").write_text(extra_programs(conf_text, counts))
    print(f"export WEB_CONCURRENCY={counts.get(WEB, 1)}")
    print(f"export OPS_METRICS_TARGETS={shlex.quote(metrics_targets(conf_text, counts))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
