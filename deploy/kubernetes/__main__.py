"""Generate or check the Kubernetes manifests in deploy/kubernetes/manifests/.

    python -m deploy.kubernetes --write     # regenerate them (commit the result)
    python -m deploy.kubernetes --check     # exit 1 if the committed files are stale
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from deploy.kubernetes import manifests


def registered_processors() -> list:
    """The platform's processors; their registry imports Django apps, so Django is set up first."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "auction.settings")
    import django

    django.setup()
    from auction.processors import PROCESSORS

    return list(PROCESSORS.values())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.kubernetes", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help="regenerate the manifest files")
    mode.add_argument("--check", action="store_true", help="exit 1 if the committed files are stale")
    parser.add_argument("--root", type=Path, default=manifests.REPO_ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    processors = registered_processors()
    if args.write:
        manifests.write(processors, args.root)
        print(f"wrote {len(manifests.generate(processors))} files in {manifests.FOLDER}/")
        return 0
    stale = manifests.stale_files(processors, args.root)
    if stale:
        print("The Kubernetes manifests are stale; run `python -m deploy.kubernetes --write`. Stale files:")
        print("\n".join(f"  {path}" for path in stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
