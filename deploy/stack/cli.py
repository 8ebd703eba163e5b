"""`python -m deploy.stack up|down|status|env`: the stack from a shell."""

from __future__ import annotations

import argparse
import logging
import shlex
import sys
from collections.abc import Sequence

from .errors import StackError
from .profiles import PROFILE_NAMES
from .stack import SERVER_NAMES, URL_VARIABLES, Stack


def _server_list(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = sorted(set(names) - set(SERVER_NAMES))
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown server(s) {', '.join(unknown)}; choose from {', '.join(SERVER_NAMES)}"
        )
    return names


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m deploy.stack", description=__doc__)
    parser.add_argument("command", choices=("up", "down", "status", "env"))
    parser.add_argument("--profile", choices=PROFILE_NAMES, default="dev")
    parser.add_argument("--only", type=_server_list, default=list(SERVER_NAMES),
                        help="comma-separated servers, e.g. kafka,postgres (default: all)")
    return parser


def status_lines(stack: Stack, names: Sequence[str]) -> list[str]:
    env = stack.env()
    nodes = stack.kafka_nodes()
    lines = []
    for name in names:
        address = env[URL_VARIABLES[name]]
        if stack.is_external(name):
            lines.append(f"{name:<9}external {address}")
            continue
        for server in nodes if name == "kafka" else (name,):
            state = "running" if stack.is_running(server) else "stopped"
            where = f"127.0.0.1:{stack.profile.kafka_nodes[nodes[server] - 1].kafka_port}" if len(nodes) > 1 and name == "kafka" else address
            lines.append(f"{server:<9}{state:<9}{where:<45} log {stack.profile.log_file(server)}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # The readiness probe's failed connection attempts are expected; keep them off the terminal.
    logging.getLogger("kafka").addHandler(logging.NullHandler())
    try:
        stack = Stack.for_profile(args.profile)
        if args.command == "up":
            stack.up(args.only)
            print("\n".join(status_lines(stack, args.only)))
        elif args.command == "down":
            stack.down(args.only)
        elif args.command == "status":
            print("\n".join(status_lines(stack, args.only)))
        else:
            for variable, value in stack.env().items():
                print(f"export {variable}={shlex.quote(value)}")
    except StackError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0
