"""The runtime's partitioner picks what kafka-python's default partitioner picks, remembering a bounded number of hashes."""
import pytest
from hypothesis import given
from hypothesis import strategies as st
from kafka.partitioner import DefaultPartitioner

from streams.runtime.partitioner import KeyHashPartitioner


class Cluster:
    """The part of kafka-python's ClusterMetadata a partitioner reads."""

    def __init__(self, partitions: dict[str, int]) -> None:
        self._partitions = partitions

    def topics(self):
        return set(self._partitions)

    def partitions_for_topic(self, topic):
        return set(range(self._partitions[topic])) if topic in self._partitions else None

    def available_partitions_for_topic(self, topic):
        return self.partitions_for_topic(topic)


@given(keys=st.lists(st.binary(min_size=1, max_size=64), max_size=30), partitions=st.integers(1, 64))
def test_keyed_records_go_where_the_default_partitioner_sends_them(keys, partitions):
    cluster, ours, default = Cluster({"t": partitions}), KeyHashPartitioner(capacity=8), DefaultPartitioner()
    for key in keys + keys:  # the second time from the remembered hash
        assert ours.partition("t", key, key, b"v", b"v", cluster) == default.partition("t", key, key, b"v", b"v", cluster)


def test_the_remembered_hashes_are_bounded():
    cluster, ours = Cluster({"t": 6}), KeyHashPartitioner(capacity=100)
    for n in range(1000):
        ours.partition("t", None, b"item-%d" % n, None, b"v", cluster)
        assert len(ours) <= 100


def test_records_without_a_key_and_unknown_topics_are_left_to_the_default():
    cluster, ours = Cluster({"t": 6}), KeyHashPartitioner()
    assert ours.partition("t", None, None, b"v", b"v", cluster) in range(6)
    with pytest.raises(ValueError, match="not found"):
        ours.partition("other", b"k", b"k", b"v", b"v", cluster)
