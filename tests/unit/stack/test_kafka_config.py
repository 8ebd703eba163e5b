"""The broker config rendered per profile: single-node settings, loopback only, the profile's ports."""

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from deploy.stack.kafka_server import PROPERTIES_TEMPLATE, new_cluster_id, render_server_properties
from deploy.stack.profiles import Profile, named_profile

ports = st.integers(min_value=1024, max_value=65535)


def _profile(kafka_port: int = 29092, controller_port: int = 29093) -> Profile:
    return Profile(
        name="unit", kafka_port=kafka_port, controller_port=controller_port,
        postgres_port=25432, redis_port=26379, state_dir=Path("/srv/state/unit"),
    )


def _parse(properties: str) -> dict[str, str]:
    lines = (line for line in properties.splitlines() if line.strip() and not line.startswith("#"))
    pairs = (line.split("=", 1) for line in lines)
    return {key.strip(): value.strip() for key, value in pairs}


def _render(profile: Profile) -> dict[str, str]:
    rendered = render_server_properties(PROPERTIES_TEMPLATE.read_text(), profile, Path("/srv/state/unit/kafka/data"))
    return _parse(rendered)


def test_one_node_is_broker_and_controller_of_a_standalone_quorum():
    config = _render(_profile())
    assert config["process.roles"] == "broker,controller"
    assert config["node.id"] == "1"
    assert config["controller.quorum.bootstrap.servers"] == "127.0.0.1:29093"
    assert "controller.quorum.voters" not in config  # `format --standalone` refuses it


def test_internal_topics_make_do_with_one_replica():
    config = _render(_profile())
    for key in (
        "offsets.topic.replication.factor",
        "transaction.state.log.replication.factor",
        "transaction.state.log.min.isr",
        "share.coordinator.state.topic.replication.factor",
        "share.coordinator.state.topic.min.isr",
        "default.replication.factor",
        "min.insync.replicas",
        "num.partitions",
    ):
        assert config[key] == "1", key


def test_topics_are_never_created_implicitly_and_groups_join_without_delay():
    config = _render(_profile())
    assert config["auto.create.topics.enable"] == "false"
    assert config["group.initial.rebalance.delay.ms"] == "0"


def test_timed_out_transactions_are_aborted_quickly():
    config = _render(_profile())
    assert int(config["transaction.abort.timed.out.transaction.cleanup.interval.ms"]) <= 1000
    assert int(config["transaction.max.timeout.ms"]) <= 300_000


def test_data_lives_in_the_given_folder():
    assert _render(_profile())["log.dirs"] == "/srv/state/unit/kafka/data"


@given(kafka_port=ports, controller_port=ports)
def test_listeners_use_the_profile_ports_on_loopback_only(kafka_port, controller_port):
    config = _render(_profile(kafka_port, controller_port))
    assert config["listeners"] == f"PLAINTEXT://127.0.0.1:{kafka_port},CONTROLLER://127.0.0.1:{controller_port}"
    assert config["advertised.listeners"] == f"PLAINTEXT://127.0.0.1:{kafka_port}"
    assert "$" not in "".join(config.values())


@given(st.binary(min_size=16, max_size=16))
def test_cluster_ids_look_like_kafkas_own(raw):
    cluster_id = new_cluster_id(raw)
    assert len(cluster_id) == 22
    assert set(cluster_id) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert not cluster_id.startswith("-")


def _cluster() -> Profile:
    return named_profile("cluster", {})


def test_a_cluster_node_votes_in_a_static_quorum_of_every_node():
    profile = _cluster()
    configs = [_parse(render_server_properties(PROPERTIES_TEMPLATE.read_text(), profile, Path("/d"), node))
               for node in profile.kafka_nodes]
    assert [config["node.id"] for config in configs] == ["1", "2", "3"]
    voters = "1@127.0.0.1:59093,2@127.0.0.1:59103,3@127.0.0.1:59113"
    assert all(config["controller.quorum.voters"] == voters for config in configs)
    assert all("controller.quorum.bootstrap.servers" not in config for config in configs)
    assert [config["listeners"] for config in configs] == [
        f"PLAINTEXT://127.0.0.1:{kafka},CONTROLLER://127.0.0.1:{controller}"
        for kafka, controller in ((59092, 59093), (59102, 59103), (59112, 59113))
    ]


def test_a_cluster_replicates_everything_three_times_and_writes_need_two_copies():
    config = _parse(render_server_properties(PROPERTIES_TEMPLATE.read_text(), _cluster(), Path("/d")))
    for key in ("offsets.topic.replication.factor", "transaction.state.log.replication.factor",
                "share.coordinator.state.topic.replication.factor", "default.replication.factor"):
        assert config[key] == "3", key
    for key in ("transaction.state.log.min.isr", "share.coordinator.state.topic.min.isr", "min.insync.replicas"):
        assert config[key] == "2", key
