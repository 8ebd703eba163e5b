"""The jar cache is keyed by the POM, and a Maven failure names the log to read."""

import pytest

from deploy.stack import StackError
from deploy.stack.kafka_jars import POM, jar_cache_dir, kafka_classpath


def test_cache_is_shared_per_pom_content(tmp_path):
    environ = {"XDG_CACHE_HOME": str(tmp_path)}
    other_pom = tmp_path / "pom.xml"
    other_pom.write_text(POM.read_text() + "<!-- changed -->")
    assert jar_cache_dir(POM, environ) == jar_cache_dir(POM, environ)
    assert jar_cache_dir(POM, environ).parent == tmp_path / "auction-platform"
    assert jar_cache_dir(other_pom, environ) != jar_cache_dir(POM, environ)


def test_maven_failure_names_its_log(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    broken_pom = tmp_path / "pom.xml"
    broken_pom.write_text("<project>not a pom")
    maven_log = tmp_path / "logs" / "mvn.log"
    with pytest.raises(StackError, match=rf"Maven could not fetch the Kafka jars; see {maven_log}"):
        kafka_classpath(maven_log=maven_log, pom=broken_pom)
    assert maven_log.read_text().strip()
    assert not (jar_cache_dir(broken_pom) / ".complete").exists()


def test_a_complete_cache_skips_maven(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("PATH", "")  # no mvn to run: the cache alone must do
    pom = tmp_path / "pom.xml"
    pom.write_text("<project/>")
    cache = jar_cache_dir(pom)
    cache.mkdir(parents=True)
    (cache / ".complete").write_text("")
    assert kafka_classpath(maven_log=tmp_path / "mvn.log", pom=pom) == f"{cache}/*"
    assert not (tmp_path / "mvn.log").exists()
