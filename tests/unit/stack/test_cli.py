"""The CLI: `env` output a shell can eval, and errors as one line on stderr with exit status 1."""

import os
import subprocess
import sys

from deploy.stack import Profile, Stack
from deploy.stack.cli import status_lines
from deploy.stack.profiles import REPO_ROOT

URL_VARIABLES = ("KAFKA_BOOTSTRAP_SERVERS", "DATABASE_URL", "REDIS_URL")


def _environ(**extra: str) -> dict[str, str]:
    environ = {key: value for key, value in os.environ.items() if key not in URL_VARIABLES}
    return environ | extra


def test_env_output_round_trips_through_a_shell(tmp_path):
    awkward = "postgres://app:p&ss w$rd'x@db.internal/auction"
    script = (
        f'eval "$({sys.executable} -m deploy.stack env --profile demo)"; '
        'printf "%s\\n" "$DATABASE_URL" "$REDIS_URL"'
    )
    result = subprocess.run(
        ["bash", "-c", script], cwd=REPO_ROOT, capture_output=True, text=True, check=True,
        env=_environ(DATABASE_URL=awkward, AUCTION_STATE_DIR=str(tmp_path)),
    )
    assert result.stdout.splitlines() == [awkward, "redis://127.0.0.1:16379/0"]


def test_a_stack_error_is_one_line_on_stderr_and_exit_status_1(tmp_path):
    """With no usable java, `up` fails: either on java itself or, if a demo broker runs, on its port."""
    result = subprocess.run(
        [sys.executable, "-m", "deploy.stack", "up", "--profile", "demo", "--only", "kafka"],
        cwd=REPO_ROOT, capture_output=True, text=True,
        env=_environ(JAVA_HOME=str(tmp_path / "no-java"), AUCTION_STATE_DIR=str(tmp_path)),
    )
    assert result.returncode == 1
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("error: ")
    assert "java not found" in line or "port 19092 (kafka, profile demo) is taken" in line


def test_status_shows_each_server_state_and_address(tmp_path):
    profile = Profile(name="unit", kafka_port=41092, controller_port=41093, postgres_port=41432,
                      redis_port=41379, state_dir=tmp_path)
    stack = Stack(profile, environ={"REDIS_URL": "redis://cache.internal:6379/0"})
    kafka, redis = status_lines(stack, ["kafka", "redis"])
    assert kafka.split()[:3] == ["kafka", "stopped", "127.0.0.1:41092"]
    assert kafka.endswith(f"log {tmp_path / 'logs' / 'kafka.log'}")
    assert redis.split() == ["redis", "external", "redis://cache.internal:6379/0"]
