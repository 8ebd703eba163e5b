"""Command-line arguments as Markdown tables, read from argparse parsers (not their --help text,
whose layout depends on the terminal and the Python version)."""
from __future__ import annotations

import argparse
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from django.conf import settings

from streams.settings_registry import BY_NAME

# Options every `manage.py` command has (Django's own), listed once rather than per command.
DJANGO_COMMON = {"verbosity", "settings", "pythonpath", "traceback", "no_color", "force_color", "skip_checks", "version"}


class _Captured(Exception):
    def __init__(self, parser: argparse.ArgumentParser) -> None:
        self.parser = parser


@contextmanager
def _capturing() -> Iterator[None]:
    """While inside, parsing arguments raises `_Captured` with the parser instead of parsing."""
    originals = argparse.ArgumentParser.parse_args, argparse.ArgumentParser.parse_known_args

    def capture(parser, *args, **kwargs):
        raise _Captured(parser)

    argparse.ArgumentParser.parse_args = capture
    argparse.ArgumentParser.parse_known_args = capture
    try:
        yield
    finally:
        argparse.ArgumentParser.parse_args, argparse.ArgumentParser.parse_known_args = originals


def parser_of(main: Callable[..., object]) -> argparse.ArgumentParser | None:
    """The parser a `main()` builds, caught as it is about to parse (nothing else of `main` runs)."""
    with _capturing():
        try:
            main()
        except _Captured as captured:
            return captured.parser
    return None


def _shown(value: object) -> str:
    if isinstance(value, Path):
        root = Path(settings.BASE_DIR)
        return str(value.relative_to(root)) if value.is_relative_to(root) else str(value)
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    return str(value)


def _usage(action: argparse.Action) -> str:
    if action.choices and not isinstance(action, argparse._SubParsersAction):
        value = "{" + ",".join(str(choice) for choice in action.choices) + "}"
    elif action.nargs == 0:
        value = ""
    else:
        value = action.metavar or action.dest.upper()
    if not action.option_strings:
        return value if action.choices else (action.metavar or action.dest)
    return " ".join(part for part in (", ".join(action.option_strings), value) if part)


def _setting_for(action: argparse.Action) -> str:
    """An option without help that overrides a setting (`--metrics-port`: STREAMS_METRICS_PORT) says so."""
    for prefix in ("STREAMS_", "KAFKA_"):
        setting = BY_NAME.get(prefix + action.dest.upper())
        if setting is not None:
            return f"Overrides `{setting.name}`: {setting.meaning}"
    if action.choices and not action.option_strings:
        return "One of the values shown."
    return ""


def _meaning(action: argparse.Action) -> str:
    text = (action.help or _setting_for(action)).replace("%(default)s", _shown(action.default))
    text = " ".join(text.split()).replace("|", "\\|")
    if action.default not in (None, False, argparse.SUPPRESS, [], "") and "default" not in text and action.nargs != 0:
        text = f"{text} (default: `{_shown(action.default)}`)".strip()
    return text


def table(parser: argparse.ArgumentParser, *, skip: set[str] = frozenset()) -> str:
    rows = [
        f"| `{_usage(action)}` | {_meaning(action)} |"
        for action in parser._actions
        if not isinstance(action, argparse._HelpAction) and action.dest not in skip
    ]
    if not rows:
        return "No arguments.\n"
    return "\n".join(["| argument | meaning |", "|---|---|", *rows, ""])
