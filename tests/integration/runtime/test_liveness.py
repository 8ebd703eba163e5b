"""Always on: a loop that stops stepping ends its process; a member left without partitions asks again."""
import time
import urllib.request

from kafka.protocol.consumer.metadata import ConsumerProtocolAssignment
from kafka.structs import TopicPartition

from streams.runtime.clients import KafkaClients, group_consumer
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


class ForgetfulUntilAsked(CopartitionedCooperativeStickyAssignor):
    """The group leader of the old bug: it knows no partitions, so it hands out nothing, in every round
    until a member has asked to rejoin because it holds nothing (`asked()`). Rounds that happen for
    other reasons (a member joining, metadata arriving) change nothing, so only the runtime's own
    rejoin can end the idleness."""

    def __init__(self, partitions, asked):
        super().__init__(partitions)
        self._asked = asked

    def assign(self, cluster, members):
        if not self._asked():
            return {member.member_id: ConsumerProtocolAssignment(self.version, [], b"") for member in members}
        return super().assign(cluster, members)


class ForgetfulLeaderClients(KafkaClients):
    """The real clients, but each group consumer leads with a `ForgetfulUntilAsked` assignor."""

    def __init__(self, asked):
        self._asked = asked

    def group_consumer(self, config, group_id, partitions=None):
        consumer = group_consumer(config, group_id, partitions)
        assignor = ForgetfulUntilAsked(partitions, self._asked)
        consumer._coordinator._assignors = {assignor.name: assignor}
        return consumer


def test_members_left_without_partitions_ask_for_them_again(kafka_bootstrap, unique_name):
    name = unique_name("idle")
    source, target, dead = f"{name}-in", f"{name}-out", f"{name}-dlq"
    create_topics(kafka_bootstrap, [source, target, dead], partitions=4)
    runners = []

    def rejoins() -> float:
        return sum(runner.metrics.rebalances.labels(name, "rejoin")._value.get() for runner in list(runners))

    processor = counting_copy(name, source, target, dead)
    settings = {"idle_rejoin_ms": 2000, "session_timeout_ms": 6000,
                "clients": ForgetfulLeaderClients(asked=lambda: rejoins() > 0)}
    with running(processor, kafka_bootstrap, instance_id="a", **settings) as first:
        runners.append(first)
        with running(processor, kafka_bootstrap, instance_id="b", **settings) as second:
            runners.append(second)
            deadline = time.monotonic() + 45
            while not (first.assignment and second.assignment) and time.monotonic() < deadline:
                time.sleep(0.2)
            held = first.assignment | second.assignment
            asked = rejoins()
    assert held == {TopicPartition(topic, p) for topic in (source, f"{name}.retry") for p in range(4)}  # inputs and retry topic
    assert first.assignment and second.assignment
    assert asked >= 1
