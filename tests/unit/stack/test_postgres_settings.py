"""PostgreSQL's command line: loopback only, the profile's port, a unix socket only where it fits."""

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from deploy.stack import Profile
from deploy.stack.postgres_server import SOCKET_PATH_LIMIT, postgres_argv, server_settings, socket_directory


def _profile(durable: bool) -> Profile:
    return Profile(name="unit", kafka_port=1, controller_port=2, postgres_port=25432, redis_port=3,
                   state_dir=Path("/srv/unit"), durable=durable)


def test_listens_on_loopback_at_the_profile_port():
    settings = server_settings(_profile(durable=True), Path("/srv/unit/postgres"))
    assert settings["listen_addresses"] == "127.0.0.1"
    assert settings["port"] == "25432"
    assert settings["unix_socket_directories"] == "/srv/unit/postgres"


def test_every_profile_gives_the_buffers_a_million_analytics_events_need():
    for durable in (True, False):
        assert server_settings(_profile(durable=durable), Path("/srv/unit/postgres"))["shared_buffers"] == "512MB"


def test_a_non_durable_profile_skips_fsync_and_the_durable_one_keeps_it():
    fast = server_settings(_profile(durable=False), Path("/srv/unit/postgres"))
    safe = server_settings(_profile(durable=True), Path("/srv/unit/postgres"))
    assert {fast[key] for key in ("fsync", "synchronous_commit", "full_page_writes")} == {"off"}
    assert not {"fsync", "synchronous_commit", "full_page_writes"} & set(safe)


@given(depth=st.integers(min_value=1, max_value=30), port=st.integers(min_value=1024, max_value=65535))
def test_the_socket_path_never_exceeds_the_kernel_limit(depth, port):
    data_dir = Path("/tmp") / "/".join(["folder"] * depth)
    directory = socket_directory(data_dir, port)
    assert directory in (str(data_dir), "")
    if directory:
        assert len(f"{directory}/.s.PGSQL.{port}") <= SOCKET_PATH_LIMIT
    else:
        assert len(f"{data_dir}/.s.PGSQL.{port}") > SOCKET_PATH_LIMIT


def test_settings_become_dash_c_options_after_the_data_folder():
    argv = postgres_argv(Path("/pg/bin"), Path("/data"), {"port": "5433", "fsync": "off"})
    assert argv == ["/pg/bin/postgres", "-D", "/data", "-c", "port=5433", "-c", "fsync=off"]
