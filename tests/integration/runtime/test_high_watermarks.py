"""A read_committed consumer's end offsets stop at an open transaction; its high watermarks do not.

The runner asks for high watermarks before a merge goes on without an input (`Runner._confirmed`):
a transaction's commit markers land on each partition separately, and the last stable offset of
a partition whose marker is late would call it caught up."""
import time

from kafka import KafkaProducer, TopicPartition

from streams.runtime.clients import GroupConsumer
from tests.integration.runtime.support import create_topics, produce


def test_high_watermarks_count_the_records_of_an_open_transaction(kafka_bootstrap, unique_name):
    topic = unique_name("watermarks")
    create_topics(kafka_bootstrap, [topic], partitions=1)
    tp = TopicPartition(topic, 0)
    produce(kafka_bootstrap, topic, [(b"k", b"committed", None, None)], partition=0)
    writer = KafkaProducer(bootstrap_servers=kafka_bootstrap, transactional_id=unique_name("writer"), acks="all")
    consumer = GroupConsumer(bootstrap_servers=kafka_bootstrap, isolation_level="read_committed")
    try:
        writer.init_transactions()
        writer.begin_transaction()
        for _ in range(3):
            writer.send(topic, key=b"k", value=b"pending", partition=0)
        writer.flush()

        assert consumer.end_offsets([tp])[tp] == 1  # the last stable offset: the open transaction's first record
        assert consumer.high_watermarks([tp], timeout_ms=10_000)[tp] == 4
        assert consumer.end_offsets([tp])[tp] == 1  # asking for high watermarks left the consumer read_committed

        writer.commit_transaction()  # returns once the commit is decided; its marker is written after that
        deadline = time.monotonic() + 10
        while consumer.end_offsets([tp])[tp] < 5 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert consumer.end_offsets([tp])[tp] == consumer.high_watermarks([tp], timeout_ms=10_000)[tp] == 5  # with the marker
    finally:
        writer.close()
        consumer.close()
