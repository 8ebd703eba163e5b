"""Every environment variable the code reads is in the settings registry, and both sides read it from there."""
import re
from pathlib import Path

import pytest

from streams import settings_registry
from streams.runtime.config import RuntimeConfig
from streams.settings_registry import BY_NAME, SETTINGS

ROOT = Path(__file__).resolve().parents[3]
# The ways code here reads a variable: os.environ / env mappings, getenv, `*_VARIABLE = "NAME"`
# constants, supervisord's %(ENV_NAME)s and ${NAME…} in the deploy scripts.
READS = [
    re.compile(r"""environ(?:\.get|\.setdefault)?\(\s*["']([A-Z][A-Z0-9_]+)["']"""),
    re.compile(r"""environ\[\s*["']([A-Z][A-Z0-9_]+)["']"""),
    re.compile(r"""getenv\(\s*["']([A-Z][A-Z0-9_]+)["']"""),
    re.compile(r"""\benv(?:\.get)?[\[(]\s*["']([A-Z][A-Z0-9_]+)["']"""),
    re.compile(r"""["']([A-Z][A-Z0-9_]+)["'] in env\b"""),
    re.compile(r"""_VARIABLE = ["']([A-Z][A-Z0-9_]+)["']"""),
    re.compile(r"""(?:value|_env)\(\s*["']([A-Z][A-Z0-9_]+)["']"""),
]
SHELL_READS = [re.compile(r"%\(ENV_([A-Z][A-Z0-9_]+)\)s"), re.compile(r"\$\{([A-Z][A-Z0-9_]+)[:}]")]
SHELL_FILES = ["deploy/demo", "deploy/test", "deploy/bootstrap", "deploy/supervisord.conf"]
# Set by the scripts for programs they start, not settings anyone chooses.
NOT_SETTINGS = {"PYTHONUNBUFFERED", "PATH", "HOME"}


def _read_in_code() -> dict[str, str]:
    found = {}
    for folder in ("auction", "streams", "deploy"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text()
            for pattern in READS:
                for name in pattern.findall(text):
                    found.setdefault(name, str(path.relative_to(ROOT)))
    for relative in SHELL_FILES:
        text = (ROOT / relative).read_text()
        for pattern in SHELL_READS:
            for name in pattern.findall(text):
                found.setdefault(name, relative)
    return {name: where for name, where in found.items() if name not in NOT_SETTINGS}


def test_the_scan_finds_variables_of_every_kind_of_reader():
    found = _read_in_code()
    # Django settings, the runtime, the Kafka clients, the stack and supervisord: one of each at least.
    for name in ("DJANGO_SECRET_KEY", "STREAMS_INSTANCE_ID", "KAFKA_SASL_USERNAME", "AUCTION_STATE_DIR", "AUCTION_WEB_PORT"):
        assert name in found, name


def test_every_variable_read_anywhere_is_in_the_registry():
    missing = {name: where for name, where in _read_in_code().items() if name not in BY_NAME}
    assert missing == {}, "add these to streams/settings_registry.py, then `python -m streams.catalogue --write`"


def test_django_settings_read_the_environment_only_through_the_registry():
    text = (ROOT / "auction" / "settings.py").read_text()
    assert "os.environ" not in text and "getenv" not in text


def test_names_are_unique_and_every_setting_says_what_it_means_and_who_reads_it():
    assert len(BY_NAME) == len(SETTINGS)
    for setting in SETTINGS:
        assert setting.meaning and setting.readers and setting.group, setting.name


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_every_default_parses(setting):
    setting.parsed_default  # a default its own parser refuses would stop every process at start


def test_the_runtime_and_django_share_the_kafka_default(monkeypatch):
    monkeypatch.delenv("KAFKA_BOOTSTRAP_SERVERS", raising=False)
    assert RuntimeConfig.from_env({}).bootstrap_servers == settings_registry.default("KAFKA_BOOTSTRAP_SERVERS")
    assert RuntimeConfig.from_env({}).bootstrap_servers == settings_registry.value("KAFKA_BOOTSTRAP_SERVERS", {})


def test_the_runtime_defaults_are_the_registry_defaults():
    config = RuntimeConfig.from_env({})
    for field in ("max_batch", "commit_timeout_ms", "liveness_timeout_ms", "metrics_port", "static_membership"):
        assert getattr(config, field) == settings_registry.default(f"STREAMS_{field.upper()}"), field


def test_the_runtime_parses_its_variables_with_the_registry_parsers():
    # (it names them f"STREAMS_{field}", which the scan above cannot see: an unregistered one raises KeyError)
    config = RuntimeConfig.from_env({"STREAMS_MAX_BATCH": "7", "STREAMS_STATIC_MEMBERSHIP": "yes"})
    assert config.max_batch == 7 and config.static_membership is True
