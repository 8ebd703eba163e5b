"""Start-up failures name the cause: a port someone else holds, or the log of a server that died."""

import socket

import pytest

from deploy.stack import StackError


@pytest.mark.parametrize(("server", "port_of", "label"), [
    ("kafka", lambda profile: profile.kafka_port, "kafka"),
    ("kafka", lambda profile: profile.controller_port, "kafka controller"),
    ("postgres", lambda profile: profile.postgres_port, "postgres"),
    ("redis", lambda profile: profile.redis_port, "redis"),
])
def test_a_port_taken_by_another_process_is_named(make_stack, server, port_of, label):
    stack = make_stack()
    port = port_of(stack.profile)
    with socket.socket() as squatter:
        squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        squatter.bind(("127.0.0.1", port))
        squatter.listen()
        with pytest.raises(StackError, match=rf"port {port} \({label}, profile {stack.profile.name}\) is taken"):
            stack.start(server)
    assert not stack.is_running(server)


def test_a_server_that_dies_while_starting_names_its_log(make_stack):
    stack = make_stack()
    data_dir = stack.profile.data_dir("postgres")
    data_dir.mkdir(parents=True)
    (data_dir / "PG_VERSION").write_text("18\n")  # looks initialised, but is not a cluster
    log_file = stack.profile.log_file("postgres")
    with pytest.raises(StackError, match=rf"postgres exited while starting; see {log_file}"):
        stack.start("postgres")
    assert log_file.read_text().strip()
