"""The benchmarks cannot rot: the harness runs every one of them at tiny sizes on the test stack.

It asserts that each benchmark still runs to the end and reports its figures, never how fast
anything was: speed lives in the figures a full run writes into docs/reference/performance.md.
"""
import os
import re
import subprocess
import sys
from pathlib import Path

from tests.benchmarks import harness

ROOT = Path(__file__).resolve().parents[2]


def test_every_benchmark_runs_in_smoke_mode_and_reports_figures(tmp_path):
    env = {**os.environ, "AUCTION_DATA_DIR": str(tmp_path)}
    finished = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks", "--smoke", "--profile", "test"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    output = finished.stdout
    assert finished.returncode == 0, f"{output}\n{finished.stderr}"
    for name in harness.BENCHMARKS:
        table = output.split(f"(tests/benchmarks/{name}.py;", 1)[1].split("\n== ", 1)[0]
        assert "Failed:" not in table, table
        assert len(re.findall(r"^\| (?!measure|---)", table, flags=re.MULTILINE)) >= 1, f"{name} reported no figures:\n{table}"
