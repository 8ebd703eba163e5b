"""Partitions moving between instances: state follows through the changelog, idle members ask to rejoin.

The group's assignment is the test's to decide (`broker.assign`), made the cooperative way: a
partition is revoked from one member before another is given it.
"""
from kafka.errors import KafkaConnectionError
from kafka.structs import TopicPartition

from tests.unit.runtime.processors import counting


def partitions(count: int) -> list[TopicPartition]:
    return [TopicPartition("in", number) for number in range(count)]


def topics(broker, count: int) -> list[TopicPartition]:
    broker.create_topic("in", count)
    broker.create_topic("out", count)
    return partitions(count)


def outputs(broker, key: bytes) -> list[bytes]:
    return [record.value for record in broker.records("out") if record.key == key]


def test_a_task_moved_mid_stream_is_restored_from_its_changelog_where_it_lands(broker, start):
    p0, p1 = topics(broker, 2)
    a, b = start(counting, instance="a"), start(counting, instance="b")
    broker.assign(a.consumer, [p0, p1])
    for key, partition in ((b"x", 1), (b"x", 1), (b"y", 0)):
        broker.produce("in", key, b"", partition=partition)
    a.step_until_idle()
    assert a.runner.health.tasks_held == (0, 1)

    broker.assign(a.consumer, [p0])  # the cooperative move of partition 1: revoked from a first…
    a.step()
    assert a.runner.assignment == {p0} and a.runner.health.tasks_held == (0,)
    broker.assign(b.consumer, [p1])  # …then given to b, which has never seen it
    broker.produce("in", b"x", b"", partition=1)
    b.step_until_idle()

    assert b.runner.assignment == {p1}
    assert outputs(broker, b"x") == [b"x=1", b"x=2", b"x=3"]  # b went on from a's state, from a's offset
    assert outputs(broker, b"y") == [b"y=1"]


def test_a_revoked_task_is_dropped_so_it_comes_back_with_the_state_its_last_owner_left(broker, start):
    p0, p1 = topics(broker, 2)
    a, b = start(counting, instance="a"), start(counting, instance="b")
    broker.assign(a.consumer, [p0, p1])
    broker.produce("in", b"x", b"", partition=1)
    a.step_until_idle()
    broker.assign(a.consumer, [p0])
    a.step()
    broker.assign(b.consumer, [p1])
    broker.produce("in", b"x", b"", partition=1)
    b.step_until_idle()  # x=2, counted by b

    broker.assign(b.consumer, [])
    b.step()
    broker.assign(a.consumer, [p0, p1])
    broker.produce("in", b"x", b"", partition=1)
    a.step_until_idle()

    assert outputs(broker, b"x") == [b"x=1", b"x=2", b"x=3"]  # not x=2 again, from a's stale copy


def test_a_partition_revoked_mid_backlog_is_taken_over_from_its_committed_offset(broker, start):
    (p0,) = topics(broker, 1)
    a, b = start(counting, instance="a", max_batch=1), start(counting, instance="b")
    broker.assign(a.consumer, [p0])
    for _ in range(3):
        broker.produce("in", b"x", b"", partition=0)
    a.step()  # one record per transaction: two still to read
    broker.assign(a.consumer, [])
    a.step_until_idle()
    assert outputs(broker, b"x") == [b"x=1"] and a.runner.health.tasks_held == ()
    broker.assign(b.consumer, [p0])
    b.step_until_idle()
    assert outputs(broker, b"x") == [b"x=1", b"x=2", b"x=3"]
    assert broker.committed("counting", p0) == 3


def test_a_member_holding_nothing_in_a_group_too_small_for_its_tasks_asks_to_rejoin_backing_off(broker, clock, start):
    every = topics(broker, 4)
    a = start(counting, instance="a", idle_rejoin_ms=10_000)
    b = start(counting, instance="b", idle_rejoin_ms=10_000)
    broker.assign(a.consumer, every)  # two members, four tasks, b left out
    a.step()
    b.step()

    asked = []
    for seconds in (9.5, 1, 19.5, 1, 39.5, 1):  # waits of 10 s, then 20 s, then 40 s
        clock.advance(seconds)
        a.step()
        b.step()
        asked.append(b.consumer.rejoin_requests)
    assert asked == [0, 1, 1, 2, 2, 3]
    assert a.consumer.rejoin_requests == 0  # it holds tasks
    assert clock.sleeps == []

    broker.assign(a.consumer, every[:3])  # the group reacts: b gets a task, and its next wait is short again
    a.step()
    broker.assign(b.consumer, every[3:])
    b.step()
    assert b.runner.health.tasks_held == (3,)
    broker.assign(b.consumer, [])
    b.step()
    clock.advance(10.1)
    b.step()
    assert b.consumer.rejoin_requests == 4


def test_a_member_holding_nothing_does_not_ask_when_the_group_has_a_member_per_task(broker, clock, start):
    every = topics(broker, 2)
    a, b = start(counting, instance="a", idle_rejoin_ms=1000), start(counting, instance="b", idle_rejoin_ms=1000)
    broker.assign(a.consumer, every)
    clock.advance(1.1)
    b.step()
    assert b.consumer.rejoin_requests == 0  # two members for two tasks: b was left out on purpose


def test_the_group_size_check_is_best_effort(broker, clock, start):
    every = topics(broker, 4)
    a, b = start(counting, instance="a", idle_rejoin_ms=1000), start(counting, instance="b", idle_rejoin_ms=1000)
    broker.assign(a.consumer, every)
    broker.fail_next("describe_groups", KafkaConnectionError("coordinator away"))
    clock.advance(1.1)
    b.step()  # the failure is logged, not raised
    assert b.consumer.rejoin_requests == 0
    clock.advance(2.1)
    b.step()
    assert b.consumer.rejoin_requests == 1


def test_state_keys_counts_what_each_store_holds_over_the_tasks_held(broker, start):
    p0, p1 = topics(broker, 2)
    a = start(counting, instance="a")
    broker.assign(a.consumer, [p0, p1])
    for key, partition in ((b"x", 0), (b"y", 0), (b"x", 0), (b"z", 1)):
        broker.produce("in", key, b"", partition=partition)
    a.step_until_idle()
    assert a.runner.state_keys() == {"counts": 3}

    broker.assign(a.consumer, [p0])  # partition 1 and its key leave with its task
    a.step()
    assert a.runner.state_keys() == {"counts": 2}
