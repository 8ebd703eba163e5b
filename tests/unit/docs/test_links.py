"""Every relative link in README.md and docs/ leads somewhere: the file exists, and so does the heading."""
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
CODE = re.compile(r"```.*?```|`[^`\n]*`", re.S)


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"[`*_]|\[|\]\([^)]*\)", "", heading.strip().lower())
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    text = CODE.sub("", page.read_text()) if page.suffix == ".md" else ""
    found = set()
    for line in page.read_text().splitlines() if page.suffix == ".md" else ():
        if line.startswith("#"):
            found.add(slug(line.lstrip("#")))
    return found | {m for m in re.findall(r'<a (?:name|id)="([^"]+)"', text)}


def links(page: Path) -> list[str]:
    return [target for target in LINK.findall(CODE.sub("", page.read_text())) if not re.match(r"^[a-z]+:", target)]


def test_the_checker_sees_links_and_headings():
    assert "tutorial/getting-started.md" in "".join(links(ROOT / "docs" / "README.md"))
    assert slug("The process set: restarts, logs, supervisorctl") == "the-process-set-restarts-logs-supervisorctl"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves(page):
    broken = []
    for target in links(page):
        path, _, anchor = target.partition("#")
        resolved = (page.parent / path).resolve() if path else page
        if not resolved.exists():
            broken.append(f"{target}: no such file")
        elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
            broken.append(f"{target}: no heading #{anchor}")
    assert broken == []
