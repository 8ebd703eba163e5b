"""Always on: a loop that stops stepping ends its process; a member left without partitions asks again."""
import time
import urllib.request

from kafka.structs import TopicPartition

from streams.runtime import clients
from streams.runtime.assignor import CopartitionedCooperativeStickyAssignor
from streams.runtime.health import WATCHDOG_EXIT_CODE
from tests.integration.readiness import free_port, wait_holding
from tests.integration.runtime.processors import counting_copy
from tests.integration.runtime.support import create_topics, produce, running, spawn


def _livez(port: int) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/livez", timeout=1) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_processor_whose_loop_hangs_exits_so_its_supervisor_can_restart_it(kafka_bootstrap, unique_name):
    name = unique_name("hang")
    source, target, dead = f"{name}-in", f"{name}-out", f"{name}-dlq"
    create_topics(kafka_bootstrap, [source, target, dead], partitions=2)
    port = free_port()
    environment = {
        "RUNTIME_TEST_PROCESSOR": name, "RUNTIME_TEST_SOURCE": source, "RUNTIME_TEST_TARGET": target,
        "RUNTIME_TEST_DEAD_LETTERS": dead, "STREAMS_METRICS_PORT": str(port), "STREAMS_LIVENESS_TIMEOUT_MS": "3000",
    }
    process = spawn("tests.integration.runtime.processors:spawned_hanging_copy", kafka_bootstrap, environment, name)
    try:
        wait_holding(port, process, 60, what="the processor")
        assert _livez(port) == 200
        produce(kafka_bootstrap, source, [(b"k", b"hang")])
        hung_at = time.monotonic()
        exit_code = process.wait(timeout=30)
        print(f"the hung processor exited {time.monotonic() - hung_at:.1f} s after its record arrived")
    finally:
        if process.poll() is None:
            process.kill()
    assert exit_code == WATCHDOG_EXIT_CODE


class FirstRoundWithoutMetadata(CopartitionedCooperativeStickyAssignor):
    """The group leader of the old bug, for two rounds (however the members' joins fall into them):
    it knows no partitions, so it hands out nothing. Only a rejoin gets the members a third round."""

    def __init__(self, partitions):
        super().__init__(partitions)
        self._rounds = 0

    def assign(self, cluster, members):
        self._rounds += 1
        if self._rounds <= 2:
            return {member.member_id: self._empty() for member in members}
        return super().assign(cluster, members)

    def _empty(self):
        from kafka.protocol.consumer.metadata import ConsumerProtocolAssignment

        return ConsumerProtocolAssignment(self.version, [], b"")


def test_members_left_without_partitions_ask_for_them_again(kafka_bootstrap, unique_name, monkeypatch):
    name = unique_name("idle")
    source, target, dead = f"{name}-in", f"{name}-out", f"{name}-dlq"
    create_topics(kafka_bootstrap, [source, target, dead], partitions=4)
    made = clients.group_consumer

    def consumer_with_a_forgetful_leader(config, group_id, partitions=None):
        consumer = made(config, group_id, partitions)
        assignor = FirstRoundWithoutMetadata(partitions)
        consumer._coordinator._assignors = {assignor.name: assignor}
        return consumer

    monkeypatch.setattr(clients, "group_consumer", consumer_with_a_forgetful_leader)
    processor = counting_copy(name, source, target, dead)
    settings = {"idle_rejoin_ms": 2000, "session_timeout_ms": 6000}
    with running(processor, kafka_bootstrap, instance_id="a", **settings) as first:
        with running(processor, kafka_bootstrap, instance_id="b", **settings) as second:
            deadline = time.monotonic() + 45
            while not (first.assignment and second.assignment) and time.monotonic() < deadline:
                time.sleep(0.2)
            held = first.assignment | second.assignment
            rejoins = sum(
                runner.metrics.rebalances.labels(name, "rejoin")._value.get() for runner in (first, second)
            )
    assert held == {TopicPartition(source, p) for p in range(4)}
    assert first.assignment and second.assignment
    assert rejoins >= 1
