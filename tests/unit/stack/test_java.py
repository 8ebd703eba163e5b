"""Kafka 4 needs Java 17+: the version check reads every `java -version` style and says what to do."""

import stat
from pathlib import Path

import pytest

from deploy.stack import StackError
from deploy.stack.java import java_executable, java_major_version


@pytest.mark.parametrize(
    ("output", "major"),
    [
        ('openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment (build 17.0.15+6)', 17),
        ('java version "1.8.0_292"\nJava(TM) SE Runtime Environment', 8),
        ('openjdk version "21-ea" 2023-09-19', 21),
        ('openjdk version "25" 2025-09-16', 25),
        ('Picked up JAVA_TOOL_OPTIONS: -Xss1m\nopenjdk version "11.0.2" 2019-01-15', 11),
        ("bash: java: command not found", None),
    ],
)
def test_major_version_is_read_from_java_version_output(output, major):
    assert java_major_version(output) == major


def _fake_java_home(tmp_path: Path, version_line: str) -> Path:
    """A JAVA_HOME whose `java -version` prints `version_line` to stderr, as real runtimes do."""
    java = tmp_path / "bin" / "java"
    java.parent.mkdir(parents=True)
    java.write_text(f"#!/bin/sh\necho '{version_line}' >&2\n")
    java.chmod(java.stat().st_mode | stat.S_IXUSR)
    return tmp_path


def test_missing_java_is_reported_with_what_to_install(tmp_path):
    with pytest.raises(StackError, match=r"java not found.*install a JDK 17\+"):
        java_executable({"JAVA_HOME": str(tmp_path / "nowhere")})


def test_java_older_than_17_is_refused(tmp_path):
    home = _fake_java_home(tmp_path, 'java version "1.8.0_292"')
    with pytest.raises(StackError, match=r"is Java 8 but Kafka needs Java 17\+"):
        java_executable({"JAVA_HOME": str(home)})


def test_java_17_from_java_home_is_used(tmp_path):
    home = _fake_java_home(tmp_path, 'openjdk version "17.0.15" 2025-04-15')
    assert java_executable({"JAVA_HOME": str(home)}) == home / "bin" / "java"
