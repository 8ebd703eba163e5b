"""kafka-python's cooperative-sticky assignor, applied to partition numbers instead of topic partitions.

A processor that joins co-partitioned inputs needs partition p of every input on the same
instance (with the state for p). The plain sticky algorithm balances topic partitions
independently and can split them. So the sticky, cooperative algorithm runs unchanged on one
lead topic, and every other subscribed topic's partition p follows the lead topic's partition p.
For a single-input processor this is exactly kafka-python's CooperativeStickyAssignor.

Why the partition count is given rather than read from the cluster metadata: kafka-python's
assignors skip any topic whose metadata the group leader's client has not fetched yet
(`No partition metadata for topic …`), and right after a start that is common. The leader then
hands out nothing for that topic, and a member can sit with no partitions at all. The runner
knows the count for sure (its preflight described the inputs), so the assignment never depends
on what the client happens to have cached.
"""
from __future__ import annotations

from kafka.coordinator.assignors.cooperative_sticky import CooperativeStickyAssignor
from kafka.protocol.consumer.metadata import ConsumerProtocolAssignment
from kafka.structs import TopicPartition


class _KnownPartitions:
    """The cluster as the sticky algorithm sees it: the lead topic, with the partitions it surely has."""

    def __init__(self, cluster, topic: str, partitions: int | None) -> None:
        self._cluster, self._topic, self._partitions = cluster, topic, partitions

    def topics(self):
        return {self._topic}

    def partitions_for_topic(self, topic):
        if topic == self._topic and self._partitions is not None:
            return set(range(self._partitions))
        return self._cluster.partitions_for_topic(topic)


class CopartitionedCooperativeStickyAssignor(CooperativeStickyAssignor):
    name = "cooperative-sticky-copartitioned"

    def __init__(self, partitions: int | None = None) -> None:
        """`partitions`: how many each input has (they are co-partitioned); None reads the cluster metadata."""
        super().__init__()
        self.partitions = partitions
        self._lead_topic: str | None = None

    def assign(self, cluster, members):
        topics = sorted({topic for member in members for topic in member.metadata.topics})
        self._lead_topic = topics[0]
        lead_assignment = super().assign(_KnownPartitions(cluster, self._lead_topic, self.partitions), members)
        owner = {
            TopicPartition(owned.topic, partition): member.member_id
            for member in members
            for owned in getattr(member.metadata, "owned_partitions", None) or ()
            for partition in owned.partitions
        }
        assignment = {}
        for member_id, lead in lead_assignment.items():
            numbers = [
                partition
                for _, partitions in lead.assigned_partitions
                for partition in partitions
                # A task moves as a whole: while another member still owns any of its
                # partitions, keep all of them back until that member has revoked them.
                if all(owner.get(TopicPartition(topic, partition), member_id) == member_id for topic in topics)
            ]
            assignment[member_id] = ConsumerProtocolAssignment(
                self.version, [(topic, sorted(numbers)) for topic in topics], b""
            )
        return assignment

    def parse_member_metadata(self, metadata):
        """Show the sticky algorithm the lead topic only; the other topics follow it."""
        parsed = super().parse_member_metadata(metadata)
        return parsed._replace(
            subscription=[self._lead_topic],
            partitions=[tp for tp in parsed.partitions if tp.topic == self._lead_topic],
        )
