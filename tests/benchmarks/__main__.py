"""`python -m tests.benchmarks`: see tests/benchmarks/harness.py."""
import argparse
import sys

from tests.benchmarks import harness


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks", description=harness.__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes; writes nothing into the docs")
    parser.add_argument("--only", help="comma-separated module names, e.g. bench_http_bids,kafka_tools; "
                                       "replaces only their sections in the docs")
    parser.add_argument("--profile", default="dev", help="the deploy.stack profile to run on (default: dev)")
    options = parser.parse_args()
    modules = options.only.split(",") if options.only else list(harness.BENCHMARKS)
    print(f"load average at the start: {harness.load_average():.2f} (a quiet machine shows well under its core count)")
    command = "python -m tests.benchmarks" + (" --smoke" if options.smoke else "") + (f" --only {options.only}" if options.only else "")
    sections = harness.run(modules, profile=options.profile, smoke=options.smoke, command=command)
    if not options.smoke:
        if options.only:  # a section that failed leaves the one from an earlier run in place
            harness.write_docs(harness.merge(harness.docs_region(), [section for section in sections if not section.error]))
        else:
            harness.write_docs(harness.render(sections, command=command))
        print(f"\nwrote {harness.DOCS.relative_to(harness.ROOT)}")
    return 1 if any(section.error for section in sections) else 0


def only(module: str) -> None:
    """A benchmark module run as a script: the harness with `--only module` and the script's own arguments."""
    sys.argv = [sys.argv[0], "--only", module, *sys.argv[1:]]
    sys.exit(main())


if __name__ == "__main__":
    sys.exit(main())
