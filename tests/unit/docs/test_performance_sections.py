"""`--only` rewrites its benchmarks' sections of docs/reference/performance.md and nothing else there."""
from datetime import datetime, timezone

from tests.benchmarks import harness
from tests.benchmarks.figures import Figure

WHEN = datetime(2026, 12, 7, 22, 40, tzinfo=timezone.utc)


def _section(module: str, title: str, value: float) -> harness.Section:
    return harness.Section(module, title, [Figure("bids/s", value, "/s")], ["a note"], 12.0, 1.5,
                           command=f"python -m tests.benchmarks --only {module}", finished=WHEN, load_after=1.75)


def _full_run() -> str:
    sections = [_section("kafka_tools", "Broker", 1.0), _section("bench_http_bids", "Web tier", 2.0),
                _section("bench_replay", "Replay", 3.0)]
    return harness.render(sections, command="python -m tests.benchmarks")


def test_only_the_rerun_sections_change_and_each_says_how_when_and_at_what_load():
    region = _full_run()
    rerun = _section("bench_http_bids", "Web tier", 99.0)

    merged = harness.merge(region, [rerun])

    header, sections = harness._split(merged)
    assert [module for module, _ in sections] == ["kafka_tools", "bench_http_bids", "bench_replay"]
    _, before = harness._split(region)
    assert sections[0] == before[0] and sections[2][1].rstrip() == before[2][1].rstrip()
    web = sections[1][1]
    assert "| bids/s | 99.0 /s |" in web and "| 2.00 /s |" not in web
    assert ("measured by `python -m tests.benchmarks --only bench_http_bids` on 2026-12-07 22:40 UTC, 12 s, "
            "load average before: 1.50, after: 1.75.") in web
    assert harness.ONE_RUN not in header and harness.MIXED_RUNS in header


def test_a_benchmark_new_to_the_page_goes_in_its_place_and_a_merge_twice_is_the_same_page():
    region = harness.render([_section("kafka_tools", "Broker", 1.0), _section("bench_replay", "Replay", 3.0)],
                            command="python -m tests.benchmarks")
    rerun = [_section("bench_http_bids", "Web tier", 5.0)]

    merged = harness.merge(region, rerun)

    assert [module for module, _ in harness._split(merged)[1]] == ["kafka_tools", "bench_http_bids", "bench_replay"]
    assert harness.merge(merged, rerun) == merged


def test_the_hand_written_text_around_the_markers_stays(tmp_path):
    docs = tmp_path / "performance.md"
    docs.write_text(f"# Performance\n\nBy hand.\n\n{harness.BEGIN}\n{_full_run()}\n{harness.END}\n\n## Goals still missed\n\nBy hand too.\n")

    harness.write_docs(harness.merge(harness.docs_region(docs), [_section("bench_replay", "Replay", 7.0)]), docs)

    text = docs.read_text()
    assert text.startswith("# Performance\n\nBy hand.\n\n") and text.endswith(f"{harness.END}\n\n## Goals still missed\n\nBy hand too.\n")
    assert "| bids/s | 7.00 /s |" in text and "| bids/s | 2.00 /s |" in text
