"""The default partitioner's choice for keyed records, with each key's hash remembered.

kafka-python hashes every key with a pure-Python murmur2 (and sorts the topic's partitions) for
every record it sends; a processor sends the same keys again and again (an item's decisions,
its state). The choice is exactly the default one: murmur2 of the key, masked positive, modulo
the partition count (Kafka numbers a topic's partitions 0..n-1, so that is the index the
default partitioner looks up). The remembered hashes are bounded: the table is emptied when full.
"""
from __future__ import annotations

from kafka.partitioner import DefaultPartitioner, Partitioner, murmur2

DEFAULT_CAPACITY = 4_096


class KeyHashPartitioner(Partitioner):
    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self._capacity = capacity
        self._hashes: dict[bytes, int] = {}
        self._default = DefaultPartitioner()

    def __len__(self) -> int:
        """How many key hashes are remembered."""
        return len(self._hashes)

    def partition(self, topic, key, serialized_key, value, serialized_value, cluster):
        partitions = cluster.partitions_for_topic(topic) if type(serialized_key) is bytes else None
        if not partitions:  # no key (a random partition), or an unknown topic (the default's error)
            return self._default.partition(topic, key, serialized_key, value, serialized_value, cluster)
        hashes = self._hashes
        hashed = hashes.get(serialized_key)
        if hashed is None:
            if len(hashes) >= self._capacity:
                hashes.clear()
            hashed = hashes[serialized_key] = murmur2(serialized_key) & 0x7FFFFFFF
        return hashed % len(partitions)
