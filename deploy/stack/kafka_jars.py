"""The Kafka broker's jars, fetched by Maven from deploy/kafka/pom.xml into a shared cache.

The cache lives outside the repo and is keyed by the POM's content, so every profile and every
fresh clone on this machine reuses one download, and editing the POM fetches a new set.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Mapping
from pathlib import Path

from .errors import StackError
from .processes import Launch, run_to_log
from .profiles import REPO_ROOT

POM = REPO_ROOT / "deploy" / "kafka" / "pom.xml"
_COMPLETE_MARKER = ".complete"


def jar_cache_dir(pom: Path = POM, environ: Mapping[str, str] = os.environ) -> Path:
    cache_home = environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    digest = hashlib.sha256(pom.read_bytes()).hexdigest()[:16]
    return Path(cache_home) / "auction-platform" / f"kafka-{digest}"


def kafka_classpath(maven_log: Path, pom: Path = POM) -> str:
    """A java classpath of every jar the broker needs, running Maven only when the cache is incomplete."""
    cache = jar_cache_dir(pom)
    if not (cache / _COMPLETE_MARKER).exists():
        _fetch(pom, cache, maven_log)
    return str(cache / "*")


def _fetch(pom: Path, cache: Path, maven_log: Path) -> None:
    mvn = shutil.which("mvn")
    if mvn is None:
        raise StackError(
            "mvn not found on PATH; install Maven (e.g. apt-get install maven) to fetch the Kafka jars"
        )
    cache.mkdir(parents=True, exist_ok=True)
    launch = Launch(
        argv=[mvn, "-B", "-q", "-Dstyle.color=never", "-f", str(pom),
              "dependency:copy-dependencies", f"-DoutputDirectory={cache}"],
        cwd=pom.parent,
    )
    if run_to_log(launch, maven_log) != 0:
        raise StackError(f"Maven could not fetch the Kafka jars; see {maven_log}")
    (cache / _COMPLETE_MARKER).write_text(pom.read_text())
