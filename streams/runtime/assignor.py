"""kafka-python's cooperative-sticky assignor, applied to partition numbers instead of topic partitions.

A processor that joins co-partitioned inputs needs partition p of every input on the same
instance (with the state for p). The plain sticky algorithm balances topic partitions
independently and can split them. So the sticky, cooperative algorithm runs unchanged on one
lead topic, and every other subscribed topic's partition p follows the lead topic's partition p.
For a single-input processor this is exactly kafka-python's CooperativeStickyAssignor.
"""
from __future__ import annotations

from kafka.coordinator.assignors.cooperative_sticky import CooperativeStickyAssignor
from kafka.protocol.consumer.metadata import ConsumerProtocolAssignment
from kafka.structs import TopicPartition


class CopartitionedCooperativeStickyAssignor(CooperativeStickyAssignor):
    name = "cooperative-sticky-copartitioned"

    def __init__(self) -> None:
        super().__init__()
        self._lead_topic: str | None = None

    def assign(self, cluster, members):
        topics = sorted({topic for member in members for topic in member.metadata.topics})
        self._lead_topic = topics[0]
        lead_assignment = super().assign(cluster, members)
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
