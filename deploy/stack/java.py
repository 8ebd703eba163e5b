"""Finding a Java runtime new enough for Kafka 4 (which needs 17)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

from .errors import StackError

MINIMUM_JAVA = 17
_VERSION = re.compile(r'version "(\d+)(?:\.(\d+))?')


def java_major_version(version_output: str) -> int | None:
    """The major version from `java -version` output; old runtimes say "1.8.0" for Java 8."""
    match = _VERSION.search(version_output)
    if match is None:
        return None
    first, second = int(match.group(1)), match.group(2)
    return int(second) if first == 1 and second is not None else first


def java_executable(environ: Mapping[str, str] = os.environ) -> Path:
    """The `java` to run Kafka with (JAVA_HOME first, then PATH), checked to be at least 17."""
    java_home = environ.get("JAVA_HOME")
    found = str(Path(java_home) / "bin" / "java") if java_home else shutil.which("java")
    if not found or not Path(found).is_file():
        raise StackError(
            f"java not found (JAVA_HOME or PATH); install a JDK {MINIMUM_JAVA}+ "
            f"(e.g. apt-get install openjdk-{MINIMUM_JAVA}-jdk-headless)"
        )
    result = subprocess.run([found, "-version"], capture_output=True, text=True, check=False)
    major = java_major_version(result.stderr + result.stdout)
    if major is None or major < MINIMUM_JAVA:
        shown = "an unknown version" if major is None else f"Java {major}"
        raise StackError(
            f"{found} is {shown} but Kafka needs Java {MINIMUM_JAVA}+; install a newer JDK "
            "or point JAVA_HOME at one"
        )
    return Path(found)
