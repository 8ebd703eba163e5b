"""`deploy/demo --scale` (deploy.scale): extra processor instances as supervisor programs, read by supervisor itself."""
import pytest
from supervisor.options import ServerOptions

from auction.processors import PROCESSORS
from deploy.scale import CONF, ScaleError, extra_programs, main, metrics_targets, parse_scale, processor_programs


def _programs(folder, monkeypatch) -> dict[str, list[str]]:
    """Every program supervisord would run from deploy/supervisord.conf with `folder` as AUCTION_DATA_DIR."""
    (folder / "logs").mkdir(exist_ok=True)
    for variable, value in {"AUCTION_DATA_DIR": str(folder), "AUCTION_WEB_PORT": "8000",
                            "AUCTION_AUTOSTART": "false", "AUCTION_DEMO_PROGRAMS": "false"}.items():
        monkeypatch.setenv(variable, value)
    options = ServerOptions()
    options.realize(args=["-c", str(CONF)])
    return {process.name: process.command.split() for group in options.process_group_configs
            for process in group.process_configs}


def test_without_scaling_supervisor_runs_one_instance_of_each_processor(tmp_path, monkeypatch):
    programs = _programs(tmp_path, monkeypatch)
    assert set(PROCESSORS) <= set(programs)
    assert not [name for name in programs if name[-2:] in ("-1", "-2")]


def test_scaled_processors_get_more_programs_each_in_its_own_slot(tmp_path, monkeypatch):
    assert main(["bidding=2,projector=3,web=2", "--folder", str(tmp_path / "supervisor.d")]) == 0
    programs = _programs(tmp_path, monkeypatch)
    extra = {name: argv for name, argv in programs.items() if name.startswith(("bidding-", "projector-"))}
    assert set(extra) == {"bidding-1", "projector-1", "projector-2"}
    for name, argv in extra.items():
        processor, slot = name.rsplit("-", 1)
        assert argv[argv.index("runprocessor") + 1] == processor
        assert argv[argv.index("--instance-slot") + 1] == slot
        assert argv[0].startswith("/") and not argv[0].startswith(str(tmp_path)), "the venv of the repository"
    assert "--instance-slot" not in programs["bidding"], "the first instance takes slot 0 by itself"


def test_every_instance_is_watched_on_its_own_metrics_port():
    targets = dict(entry.split("=", 1) for entry in metrics_targets(CONF.read_text(), {"bidding": 3}).split(","))
    assert targets["bidding"].split("|") == [f"http://127.0.0.1:{port}/metrics" for port in (9401, 9501, 9601)]
    assert targets["projector"] == "http://127.0.0.1:9402/metrics"
    assert set(targets) == set(PROCESSORS)


def test_web_workers_are_uvicorns_not_programs(capsys, tmp_path):
    assert main(["web=3", "--folder", str(tmp_path)]) == 0
    assert "export WEB_CONCURRENCY=3" in capsys.readouterr().out
    assert "[program:" not in (tmp_path / "scale.conf").read_text()


@pytest.mark.parametrize(("text", "message"), [
    ("bidding", "is not NAME=COUNT"),
    ("bidding=two", "is not NAME=COUNT"),
    ("mail=2", "no program 'mail' to scale"),
    ("bidding=0", "between 1 and 6"),
    ("bidding=7", "between 1 and 6"),
])
def test_bad_scales_are_refused_with_the_reason(text, message):
    with pytest.raises(ScaleError, match=message):
        parse_scale(text, list(processor_programs(CONF.read_text())))
    assert extra_programs(CONF.read_text(), {}).count("[program:") == 0
