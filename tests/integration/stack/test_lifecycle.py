"""A stack comes up once, is reused by a second `up`, and keeps its data across stop and start."""

import uuid

import psycopg
import pytest
import redis
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import KafkaAdminClient, NewTopic

from deploy.stack import SERVER_NAMES, Stack


@pytest.fixture(scope="module")
def stack(make_stack) -> Stack:
    stack = make_stack()
    stack.up()
    return stack


def _pids(stack: Stack) -> dict[str, str]:
    return {name: stack.profile.pid_file(name).read_text() for name in SERVER_NAMES}


def _produce(bootstrap: str, topic: str, value: bytes) -> None:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)])
    finally:
        admin.close()
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    producer.send(topic, value=value).get(timeout=30)
    producer.close()


def _first_value(bootstrap: str, topic: str) -> bytes | None:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, auto_offset_reset="earliest", consumer_timeout_ms=10_000)
    consumer.assign([TopicPartition(topic, 0)])
    try:
        return next((record.value for record in consumer), None)
    finally:
        consumer.close()


def test_every_server_runs_and_env_points_at_it(stack):
    env = stack.env()
    assert all(stack.is_running(name) for name in SERVER_NAMES)
    assert env["KAFKA_BOOTSTRAP_SERVERS"] == f"127.0.0.1:{stack.profile.kafka_port}"
    with psycopg.connect(env["DATABASE_URL"]) as connection:
        assert connection.execute("SELECT current_database()").fetchone() == ("auction",)
    assert redis.Redis.from_url(env["REDIS_URL"]).ping()
    assert all(stack.profile.log_file(name).stat().st_size > 0 for name in SERVER_NAMES)


def test_a_second_up_reuses_the_running_servers(stack):
    before = _pids(stack)
    stack.up()
    assert _pids(stack) == before


def test_stop_and_start_keep_a_kafka_record_a_postgres_row_and_a_redis_key(stack):
    env = stack.env()
    topic = f"stack-restart-{uuid.uuid4().hex[:8]}"
    _produce(env["KAFKA_BOOTSTRAP_SERVERS"], topic, b"kept")
    with psycopg.connect(env["DATABASE_URL"]) as connection:
        connection.execute("CREATE TABLE kept (value text)")
        connection.execute("INSERT INTO kept VALUES ('row')")
    redis.Redis.from_url(env["REDIS_URL"]).set("kept", "key")

    stack.down()
    assert not any(stack.is_running(name) for name in SERVER_NAMES)
    stack.up()

    assert _first_value(env["KAFKA_BOOTSTRAP_SERVERS"], topic) == b"kept"
    with psycopg.connect(env["DATABASE_URL"]) as connection:
        assert connection.execute("SELECT value FROM kept").fetchall() == [("row",)]
    assert redis.Redis.from_url(env["REDIS_URL"]).get("kept") == b"key"


def test_one_server_stops_and_starts_alone(stack):
    stack.stop("redis")
    assert not stack.is_running("redis")
    assert stack.is_running("kafka") and stack.is_running("postgres")
    stack.start("redis")
    assert stack.is_running("redis")
    assert redis.Redis.from_url(stack.env()["REDIS_URL"]).ping()


def test_down_twice_is_harmless(make_stack):
    stack = make_stack()
    stack.down()
    stack.down()
    assert not any(stack.is_running(name) for name in SERVER_NAMES)
