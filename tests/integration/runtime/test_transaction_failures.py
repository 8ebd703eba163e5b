"""Failed and indefinite commits: abort and rewind, or re-create the producer and restore, exactly once.

A fault is injected into the runtime's own commit step (Kafka itself is real): an error before
the commit (the transaction is aborted, state rolled back), a timeout before it (outcome unknown:
a new producer aborts the old transaction), and a timeout after it (outcome unknown: the
transaction in fact committed). Each time the counting copy's outputs and counts must come out
exactly as if nothing had happened.
"""
from collections import defaultdict

import pytest
from kafka import KafkaConsumer, KafkaProducer
from kafka.errors import KafkaError

from streams.runtime.processor import Emit
from streams.runtime.transactions import CommitTimeout, KafkaTransactions
from tests.integration.runtime.processors import counting_copy
from tests.integration.runtime.support import create_topics, produce, read_committed, running
from tests.integration.runtime.test_exactly_once import outputs_per_key

RECORDS = 3_000
KEYS = 50


@pytest.mark.parametrize(
    ("error", "after_commit", "reason"),
    [
        (KafkaError("injected before commit"), False, "KafkaError"),
        (CommitTimeout("injected timeout before commit"), False, "CommitTimeout"),
        (CommitTimeout("injected timeout after commit"), True, "CommitTimeout"),
    ],
)
def test_a_failed_commit_changes_nothing_visible(kafka_bootstrap, unique_name, monkeypatch, error, after_commit, reason):
    name = unique_name("txn-fault")
    source, target, dead_letters = f"{name}-in", f"{name}-out", f"{name}-dlq"
    create_topics(kafka_bootstrap, [source, target, dead_letters], partitions=3)
    real_commit, calls = KafkaTransactions.commit, []

    def faulty_commit(self, offsets):
        calls.append(len(calls))
        if len(calls) == 3:  # the first batches went through: there is state and output to protect
            if after_commit:
                real_commit(self, offsets)
            raise error
        real_commit(self, offsets)

    monkeypatch.setattr(KafkaTransactions, "commit", faulty_commit)
    records = [(b"key-%d" % (i % KEYS), b"%d" % i) for i in range(RECORDS)]
    produce(kafka_bootstrap, source, records[:1_000])
    with running(counting_copy(name, source, target, dead_letters), kafka_bootstrap, max_batch=200) as runner:
        read_committed(kafka_bootstrap, target, expected=1_000, settle_s=0)
        produce(kafka_bootstrap, source, records[1_000:])
        outputs = read_committed(kafka_bootstrap, target, expected=RECORDS)

    expected = defaultdict(list)
    for value, (key, _) in enumerate(records):
        expected[key].append(b"%d|%d" % (value, len(expected[key]) + 1))
    assert len(calls) > 3
    labels = {"processor": name, "reason": reason}
    assert runner.metrics.registry.get_sample_value("streams_transaction_aborts_total", labels) == 1
    assert len(outputs) == RECORDS
    assert outputs_per_key(outputs) == expected


def test_recovering_stops_the_old_producer_before_a_new_one_takes_its_transactional_id(kafka_bootstrap, unique_name):
    """A live old producer would answer the new one's fencing with an epoch bump of its own, and the
    two would fence each other for good (seen under load: a bidding processor aborting every batch)."""
    name = unique_name("txn-recover")
    target = f"{name}-out"
    create_topics(kafka_bootstrap, [target], partitions=3)
    consumer = KafkaConsumer(bootstrap_servers=kafka_bootstrap, group_id=name, enable_auto_commit=False)

    def make_producer() -> KafkaProducer:
        return KafkaProducer(bootstrap_servers=kafka_bootstrap, transactional_id=name, enable_idempotence=True)

    transactions = KafkaTransactions(make_producer, consumer, [target], timeout_s=10)
    try:
        for n in range(200):
            transactions.send(Emit(target, key=b"k%d" % (n % 7), value=b"given up"))
        old = transactions._producer
        transactions.recover()
        assert not old._sender.is_alive(), "the old producer still runs beside the new one"
        for _ in range(3):  # several transactions: nothing fences the new producer afterwards
            transactions.send(Emit(target, key=b"k", value=b"kept"))
            transactions.commit({})
    finally:
        transactions.close()
        consumer.close()
    assert [record.value for record in read_committed(kafka_bootstrap, target, expected=3)] == [b"kept"] * 3
