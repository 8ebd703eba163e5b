"""The co-partitioning cooperative-sticky assignor: tasks move whole, in two cooperative rounds."""
from types import SimpleNamespace

from kafka.protocol.consumer.metadata import ConsumerProtocolSubscription
from kafka.structs import TopicPartition

from streams.runtime.assignor import CopartitionedCooperativeStickyAssignor

TOPICS = ["auction.bids", "auction.items"]
OwnedPartitions = ConsumerProtocolSubscription.TopicPartition


class Metadata:
    """Cluster metadata as the assignor reads it: which topics exist and their partitions."""

    def __init__(self, partitions: dict[str, int]) -> None:
        self._partitions = partitions

    def topics(self):
        return set(self._partitions)

    def partitions_for_topic(self, topic):
        return set(range(self._partitions[topic])) if topic in self._partitions else None


CLUSTER = Metadata({topic: 6 for topic in TOPICS})


def member(member_id: str, owned: dict[str, list[int]] | None = None):
    subscription = ConsumerProtocolSubscription(
        version=1,
        topics=TOPICS,
        user_data=b"",
        owned_partitions=[OwnedPartitions(topic=t, partitions=ps) for t, ps in (owned or {}).items()],
    )
    return SimpleNamespace(member_id=member_id, group_instance_id=None, metadata=subscription)


def assigned(result) -> dict[str, set[TopicPartition]]:
    return {member_id: set(assignment.partitions()) for member_id, assignment in result.items()}


def tasks(partitions: set[TopicPartition]) -> dict[str, set[int]]:
    return {topic: {tp.partition for tp in partitions if tp.topic == topic} for topic in TOPICS}


def test_every_topic_follows_the_same_partition_numbers():
    result = assigned(CopartitionedCooperativeStickyAssignor().assign(CLUSTER, [member("a"), member("b"), member("c")]))
    numbers = [tasks(partitions) for partitions in result.values()]
    for by_topic in numbers:
        assert by_topic["auction.bids"] == by_topic["auction.items"]
        assert len(by_topic["auction.bids"]) == 2
    assert set().union(*result.values()) == {TopicPartition(t, p) for t in TOPICS for p in range(6)}


def test_a_joining_member_gets_moved_tasks_only_after_their_owner_released_them():
    everything = {topic: list(range(6)) for topic in TOPICS}
    first_round = assigned(
        CopartitionedCooperativeStickyAssignor().assign(CLUSTER, [member("a", everything), member("b")])
    )
    kept = tasks(first_round["a"])
    assert first_round["b"] == set()  # nothing may be owned twice
    assert kept["auction.bids"] == kept["auction.items"] and len(kept["auction.bids"]) == 3

    owned_now = {topic: sorted(kept[topic]) for topic in TOPICS}
    second_round = assigned(
        CopartitionedCooperativeStickyAssignor().assign(CLUSTER, [member("a", owned_now), member("b")])
    )
    assert tasks(second_round["a"]) == kept
    assert tasks(second_round["b"]) == {topic: set(range(6)) - kept[topic] for topic in TOPICS}


def test_a_task_half_owned_elsewhere_is_held_back_whole():
    owned_by_a = {"auction.items": [0, 1, 2], "auction.bids": [0, 1, 2, 3]}  # a still holds bids-3
    result = assigned(
        CopartitionedCooperativeStickyAssignor().assign(CLUSTER, [member("a", owned_by_a), member("b")])
    )
    for partitions in result.values():
        by_topic = tasks(partitions)
        assert by_topic["auction.bids"] == by_topic["auction.items"]
    assert 3 not in tasks(result["b"])["auction.items"]


class NoMetadataYet(Metadata):
    """The leader's client right after start: it has not fetched the topics' metadata."""

    def __init__(self) -> None:
        super().__init__({})


def test_without_the_leaders_metadata_the_known_partition_count_is_used():
    result = assigned(
        CopartitionedCooperativeStickyAssignor(partitions=6).assign(NoMetadataYet(), [member("a"), member("b")])
    )
    assert all(len(tasks(partitions)["auction.bids"]) == 3 for partitions in result.values())
    assert set().union(*result.values()) == {TopicPartition(t, p) for t in TOPICS for p in range(6)}


def test_the_cause_without_a_known_count_nobody_gets_anything():
    """What happened before the count was passed in: the sticky algorithm skips unknown topics."""
    result = assigned(CopartitionedCooperativeStickyAssignor().assign(NoMetadataYet(), [member("a"), member("b")]))
    assert result == {"a": set(), "b": set()}
