"""The generated reference pages in docs/reference/ match the code (like docs/reference/events.md)."""
import re
import shutil
from pathlib import Path

from auction.ops import reference
from auction.ops.reference import commands

ROOT = Path(__file__).resolve().parents[3]


def test_committed_reference_pages_match_the_code():
    assert reference.stale_files() == [], "run `python manage.py reference --write` and commit docs/reference/"


def test_a_changed_page_is_reported_stale(tmp_path):
    shutil.copytree(ROOT / "docs" / "reference", tmp_path / "docs" / "reference")
    page = tmp_path / "docs" / "reference" / "commands.md"
    page.write_text(page.read_text().replace("runprocessor", "run_processor"))
    assert reference.stale_files(tmp_path) == ["docs/reference/commands.md"]


def test_every_python_m_entry_point_is_documented():
    found = set()
    for folder in ("auction", "streams", "deploy", "tests"):
        for path in (ROOT / folder).rglob("*.py"):
            if path.name == "__main__.py" or re.search(r'^if __name__ == "__main__":', path.read_text(), re.M):
                module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
                found.add(module.removesuffix(".__main__"))
    people_run = {m for m in found if not m.startswith(commands.NOT_ENTRY_POINTS)}
    assert people_run == set(commands.ENTRY_POINTS)


def test_every_project_command_and_api_operation_and_metric_is_on_its_page():
    pages = reference.generate()
    assert all(f"`manage.py {name}`" in pages[Path("docs/reference/commands.md")] for name in commands.project_commands())
    api = pages[Path("docs/reference/http-api.md")]
    assert "`POST /api/items/{item_id}/bids`" in api and "| 429 |" in api
    assert "`streams_consumer_lag`" in pages[Path("docs/reference/metrics.md")]
