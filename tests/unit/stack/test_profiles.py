"""Profiles keep stacks apart: each has its own ports and its own state folder."""

import pytest

from deploy.stack import PROFILE_NAMES, StackError, named_profile
from deploy.stack.profiles import REPO_ROOT


@pytest.mark.parametrize(
    ("name", "ports"),
    [
        ("demo", (19092, 19093, 15432, 16379)),
        ("test", (29092, 29093, 25432, 26379)),
        ("dev", (39092, 39093, 35432, 36379)),
    ],
)
def test_each_profile_has_its_own_ports(name, ports):
    profile = named_profile(name, {})
    assert (profile.kafka_port, profile.controller_port, profile.postgres_port, profile.redis_port) == ports


def test_state_lives_under_var_in_the_repo_by_default():
    profile = named_profile("dev", {})
    assert profile.state_dir == REPO_ROOT / "var" / "dev"
    assert profile.log_file("kafka") == REPO_ROOT / "var" / "dev" / "logs" / "kafka.log"
    assert profile.data_dir("postgres") == REPO_ROOT / "var" / "dev" / "postgres"
    assert profile.pid_file("redis") == REPO_ROOT / "var" / "dev" / "redis.pid"


def test_state_root_can_be_moved_by_environment(tmp_path):
    profile = named_profile("demo", {"AUCTION_STATE_DIR": str(tmp_path)})
    assert profile.state_dir == tmp_path.resolve() / "demo"


def test_only_the_test_profile_trades_durability_for_speed():
    assert [named_profile(name, {}).durable for name in ("demo", "test", "dev")] == [True, False, True]


def test_unknown_profile_names_the_choices():
    with pytest.raises(StackError, match="unknown profile 'prod'; choose one of demo, test, dev"):
        named_profile("prod", {})


def test_profiles_do_not_share_a_port():
    profiles = [named_profile(name, {}) for name in PROFILE_NAMES]
    assert len(profiles) == 14
    ports = [port for p in profiles for port in (p.postgres_port, p.redis_port)]
    ports += [port for p in profiles for node in p.kafka_nodes for port in (node.kafka_port, node.controller_port)]
    assert len(ports) == len(set(ports))


def test_only_the_secure_profile_runs_kafka_with_authentication_and_acls():
    assert [name for name in PROFILE_NAMES if named_profile(name, {}).secure_kafka] == ["secure"]
    secure = named_profile("secure", {})
    assert (secure.kafka_port, secure.controller_port, secure.postgres_port, secure.redis_port) == (49092, 49093, 45432, 46379)


def test_the_cluster_profile_runs_three_kafka_nodes_replicating_three_times():
    cluster = named_profile("cluster", {})
    assert [(n.node_id, n.kafka_port, n.controller_port) for n in cluster.kafka_nodes] == [
        (1, 59092, 59093), (2, 59102, 59103), (3, 59112, 59113)]
    assert (cluster.replication_factor, cluster.min_insync_replicas) == (3, 2)
    assert [len(named_profile(name, {}).kafka_nodes) for name in PROFILE_NAMES if name != "cluster"] == [1] * 13
    assert (named_profile("dev", {}).replication_factor, named_profile("dev", {}).min_insync_replicas) == (1, 1)
