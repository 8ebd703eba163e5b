"""Servers named by DATABASE_URL / REDIS_URL / KAFKA_BOOTSTRAP_SERVERS are used, never started."""

from pathlib import Path

import pytest

from deploy.stack import Profile, Stack


@pytest.fixture
def profile(tmp_path: Path) -> Profile:
    return Profile(name="unit", kafka_port=41092, controller_port=41093, postgres_port=41432,
                   redis_port=41379, state_dir=tmp_path / "unit")


def test_without_overrides_env_points_at_the_profile_servers(profile):
    assert Stack(profile, environ={}).env() == {
        "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:41092",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:41432/auction",
        "REDIS_URL": "redis://127.0.0.1:41379/0",
    }


def test_an_external_server_is_passed_through_and_the_others_stay_local(profile):
    stack = Stack(profile, environ={"DATABASE_URL": "postgres://app:secret@db.internal:5432/auction"})
    assert stack.env()["DATABASE_URL"] == "postgres://app:secret@db.internal:5432/auction"
    assert stack.env()["REDIS_URL"] == "redis://127.0.0.1:41379/0"
    assert stack.is_external("postgres")
    assert not stack.is_external("redis")


def test_up_starts_nothing_for_external_servers(profile):
    stack = Stack(profile, environ={
        "KAFKA_BOOTSTRAP_SERVERS": "kafka-1.internal:9092",
        "DATABASE_URL": "postgres://db.internal/auction",
        "REDIS_URL": "redis://cache.internal:6379/0",
    })
    stack.up()
    assert not any(stack.is_running(name) for name in ("kafka", "postgres", "redis"))
    assert not profile.data_dir("postgres").exists()
    assert not profile.pid_file("kafka").exists()


def test_a_variable_holding_the_profiles_own_url_is_not_external(profile):
    """After `eval "$(python -m deploy.stack env)"` the stack must still manage its own servers."""
    stack = Stack(profile, environ={"REDIS_URL": "redis://127.0.0.1:41379/0", "DATABASE_URL": ""})
    assert not stack.is_external("redis")
    assert not stack.is_external("postgres")


def test_for_profile_reads_overrides_from_the_given_environment(tmp_path):
    environ = {"AUCTION_STATE_DIR": str(tmp_path), "REDIS_URL": "redis://cache.internal/1"}
    stack = Stack.for_profile("test", environ)
    assert stack.profile.state_dir == tmp_path.resolve() / "test"
    assert stack.env()["REDIS_URL"] == "redis://cache.internal/1"


def test_a_cluster_profiles_env_names_every_node_and_asks_for_its_replication(tmp_path):
    from deploy.stack.profiles import cluster_ports

    profile = Profile(name="unit", kafka_port=41092, controller_port=41093, postgres_port=41432, redis_port=41379,
                      state_dir=tmp_path, more_kafka_nodes=cluster_ports(41092, 41093, 3))
    stack = Stack(profile, environ={})
    env = stack.env()
    assert env["KAFKA_BOOTSTRAP_SERVERS"] == "127.0.0.1:41092,127.0.0.1:41102,127.0.0.1:41112"
    assert (env["KAFKA_REPLICATION_FACTOR"], env["KAFKA_MIN_INSYNC_REPLICAS"]) == ("3", "2")
    assert stack.kafka_nodes() == {"kafka-1": 1, "kafka-2": 2, "kafka-3": 3}
    assert not stack.is_running("kafka")
