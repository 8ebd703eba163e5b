"""The in-memory broker behaves like Kafka where the runner depends on it (read_committed, groups, fencing)."""
import pytest
from kafka.errors import IllegalStateError, ProducerFencedError
from kafka.structs import OffsetAndMetadata, TopicPartition

from tests.unit.runtime.fakebroker import FakeConsumer, FakeProducer

TP = TopicPartition("in", 0)


@pytest.fixture
def topic(broker):
    broker.create_topic("in", 2)


def transactional(broker, transactional_id="p-a") -> FakeProducer:
    producer = FakeProducer(broker, client_id=transactional_id, transactional_id=transactional_id)
    producer.init_transactions()
    return producer


def reader(broker, *partitions) -> FakeConsumer:
    consumer = FakeConsumer(broker, client_id="reader")
    consumer.assign(partitions or [TP])
    return consumer


def values(polled) -> list:
    return [record.value for records in polled.values() for record in records]


def test_transactional_records_are_read_once_committed_and_never_when_aborted(broker, topic):
    producer = transactional(broker)
    consumer = reader(broker)
    producer.begin_transaction()
    producer.send("in", b"kept", partition=0)
    assert values(consumer.poll()) == [] and consumer.position(TP) == 0  # stops at the open transaction
    producer.commit_transaction()
    producer.begin_transaction()
    producer.send("in", b"dropped", partition=0)
    producer.abort_transaction()
    broker.produce("in", None, b"plain", partition=0)
    assert values(consumer.poll()) == [b"kept", b"plain"]
    assert consumer.position(TP) == broker.log_end(TP) == 5  # two markers took offsets too
    assert broker.values("in", 0) == [b"kept", b"plain"]


def test_an_open_transaction_holds_back_even_later_plain_records(broker, topic):
    producer = transactional(broker)
    producer.begin_transaction()
    producer.send("in", b"pending", partition=0)
    broker.produce("in", None, b"later", partition=0)
    consumer = reader(broker)
    assert values(consumer.poll()) == []
    assert consumer.highwater(TP) == 2 and consumer.end_offsets([TP]) == {TP: 0}
    producer.commit_transaction()
    assert values(consumer.poll()) == [b"pending", b"later"]


def test_offsets_sent_with_a_transaction_are_committed_with_it(broker, topic):
    producer = transactional(broker)
    for outcome in ("abort_transaction", "commit_transaction"):
        producer.begin_transaction()
        producer.send_offsets_to_transaction({TP: OffsetAndMetadata(7, "", -1)}, ("group", 1, "member"))
        assert broker.committed("group", TP) is None
        getattr(producer, outcome)()
    assert broker.committed("group", TP) == 7


def test_a_new_producer_under_the_same_id_aborts_the_open_transaction_and_fences_the_old_one(broker, topic):
    old = transactional(broker)
    old.begin_transaction()
    old.send("in", b"lost", partition=0)
    transactional(broker)
    assert broker.values("in") == [] and broker.last_stable(TP) == broker.log_end(TP)
    with pytest.raises(ProducerFencedError):
        old.begin_transaction()


def test_assignments_reach_the_listener_during_the_next_poll_revoked_then_added(broker, topic):
    heard = []

    class Listener:
        def on_partitions_revoked(self, revoked):
            heard.append(("revoked", revoked))

        def on_partitions_assigned(self, assigned):
            heard.append(("assigned", assigned))

    one, other = (FakeConsumer(broker, client_id=name, group_id="g") for name in ("one", "other"))
    for consumer in (one, other):
        consumer.subscribe(["in"], listener=Listener())
    broker.assign(one, [TopicPartition("in", 0), TopicPartition("in", 1)])
    with pytest.raises(AssertionError):
        broker.assign(other, [TopicPartition("in", 1)])  # still owned: the cooperative protocol revokes first
    assert heard == []
    one.poll()
    broker.assign(one, [TopicPartition("in", 0)])
    one.poll()
    assert heard == [
        ("assigned", {TopicPartition("in", 0), TopicPartition("in", 1)}),
        ("revoked", {TopicPartition("in", 1)}),
    ]
    with pytest.raises(IllegalStateError):
        one.position(TopicPartition("in", 1))


def test_a_group_member_starts_from_the_committed_offset(broker, topic):
    for value in (b"a", b"b", b"c"):
        broker.produce("in", None, value, partition=0)
    producer = transactional(broker)
    producer.begin_transaction()
    producer.send_offsets_to_transaction({TP: OffsetAndMetadata(2, "", -1)}, ("g", 0, "m"))
    producer.commit_transaction()
    consumer = FakeConsumer(broker, client_id="c", group_id="g")
    consumer.subscribe(["in"])
    broker.assign(consumer, [TP])
    assert values(consumer.poll()) == [b"c"]
