"""deploy/supervisord.conf, the process set: every processor runs, each with its own metrics port, and
whatever should run forever is restarted when it exits."""
import configparser
import re
import shlex
from pathlib import Path

from auction.processors import PROCESSORS

CONF = Path(__file__).resolve().parents[3] / "deploy" / "supervisord.conf"
RUNS_UNTIL_DONE = {"load"}  # ends by itself; restarted only after a failure
ENVIRONMENT = {"AUCTION_DATA_DIR", "AUCTION_WEB_PORT", "AUCTION_AUTOSTART", "AUCTION_DEMO_PROGRAMS"}


def programs() -> dict[str, configparser.SectionProxy]:
    parser = configparser.RawConfigParser(inline_comment_prefixes=(";", "#"))  # as supervisor reads it
    parser.read_string(CONF.read_text())
    return {name.removeprefix("program:"): parser[name] for name in parser.sections() if name.startswith("program:")}


def test_every_processor_has_a_program_with_its_own_metrics_port():
    ports = {}
    for name, program in programs().items():
        argv = shlex.split(program["command"])
        if "runprocessor" in argv:
            assert argv[argv.index("runprocessor") + 1] == name, f"[program:{name}] runs another processor"
            ports[name] = argv[argv.index("--metrics-port") + 1]
    assert set(ports) == set(PROCESSORS)
    assert len(set(ports.values())) == len(ports), ports


def test_every_metrics_port_is_distinct():
    text = CONF.read_text()
    ports = re.findall(r"--metrics-port (\d+)", text) + re.findall(r'CELERY_METRICS_PORT="(\d+)"', text)
    assert len(ports) == len(set(ports)) == len(PROCESSORS) + 2, ports


def test_long_running_programs_restart_with_back_off_and_stop_gracefully():
    for name, program in programs().items():
        if name in RUNS_UNTIL_DONE:
            assert (program["autorestart"], program["exitcodes"]) == ("unexpected", "0"), name
        else:
            assert program["autorestart"] == "true", name
        assert int(program["startretries"]) >= 100, f"{name} is given up on too soon"
        assert 0 < int(program["startsecs"]) <= 5, f"{name}: RUNNING comes too late after a restart"
        assert program["stopsignal"] == "TERM" and program["stopasgroup"] == program["killasgroup"] == "true", name
        if name in PROCESSORS:
            assert int(program["stopwaitsecs"]) >= 30, f"{name} needs time to finish its transaction"


def test_programs_log_to_the_profile_folder_and_run_from_the_repository():
    for name, program in programs().items():
        assert program["stdout_logfile"] == "%(ENV_AUCTION_DATA_DIR)s/logs/%(program_name)s.log", name
        assert program["redirect_stderr"] == "true", name
        assert program["directory"] == "%(here)s/..", name


def test_it_expands_only_the_variables_deploy_demo_exports():
    used = set(re.findall(r"%\(ENV_(\w+)\)s", CONF.read_text()))
    assert used == ENVIRONMENT
    demo = (CONF.parent / "demo").read_text()
    assert all(re.search(rf"export [^\n]*\b{name}=", demo) for name in used), used


def test_the_web_server_leaves_forwarded_headers_to_django():
    """uvicorn would take X-Forwarded-For from any local client; Django believes AUCTION_TRUSTED_PROXIES only."""
    argv = shlex.split(programs()["web"]["command"])

    assert "uvicorn" in argv[0] and "--no-proxy-headers" in argv


def test_the_web_server_sends_live_messages_uncompressed():
    """Compressing every small live message once per socket cost more CPU than the bytes it saved."""
    argv = shlex.split(programs()["web"]["command"])

    assert argv[argv.index("--ws-per-message-deflate") + 1] == "false"
