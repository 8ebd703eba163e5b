"""The local broker does what the platform relies on: idempotent acks=all produce, and transactions."""
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import KafkaAdminClient, NewTopic


def _create_topic(bootstrap: str, name: str) -> None:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        admin.create_topics([NewTopic(name, num_partitions=1, replication_factor=1)])
    finally:
        admin.close()


def _read_all(bootstrap: str, topic: str, isolation_level: str) -> list[bytes]:
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap,
        isolation_level=isolation_level,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        consumer_timeout_ms=3000,
    )
    consumer.assign([TopicPartition(topic, 0)])
    try:
        return [record.value for record in consumer]
    finally:
        consumer.close()


def test_idempotent_acks_all_produce_is_consumed(kafka_bootstrap, unique_name):
    topic = unique_name("broker-plain")
    _create_topic(kafka_bootstrap, topic)
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all", enable_idempotence=True)
    for i in range(10):
        producer.send(topic, key=b"k", value=f"v{i}".encode())
    producer.flush()
    producer.close()

    assert _read_all(kafka_bootstrap, topic, "read_uncommitted") == [f"v{i}".encode() for i in range(10)]


def test_transactional_produce_is_read_committed(kafka_bootstrap, unique_name):
    topic = unique_name("broker-txn")
    _create_topic(kafka_bootstrap, topic)
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, transactional_id=unique_name("txn"))
    producer.init_transactions()

    producer.begin_transaction()
    producer.send(topic, value=b"aborted")
    producer.flush()
    producer.abort_transaction()

    producer.begin_transaction()
    producer.send(topic, value=b"committed")
    producer.commit_transaction()
    producer.close()

    assert _read_all(kafka_bootstrap, topic, "read_committed") == [b"committed"]
    assert b"aborted" in _read_all(kafka_bootstrap, topic, "read_uncommitted")
