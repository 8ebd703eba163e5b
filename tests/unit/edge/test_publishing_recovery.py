"""The web tier's producer is replaced after a failed send: kafka-python's idempotent producer stays
stuck once a batch expired (a broker died with records in flight), a new one works again."""
import threading

import pytest
from kafka.errors import KafkaTimeoutError
from kafka.producer.future import FutureProduceResult, FutureRecordMetadata
from kafka.structs import TopicPartition

from auction import publishing


class FakeProducer:
    made: list["FakeProducer"] = []

    def __init__(self, *args, fail: bool, **kwargs) -> None:
        self.fail, self.closed, self.sent = fail, threading.Event(), 0
        FakeProducer.made.append(self)

    def send(self, topic, *, key, value, headers, partition):
        self.sent += 1
        produced = FutureProduceResult(TopicPartition(topic, 0))
        future = FutureRecordMetadata(produced, 0, -1, None, 0, 1, 0)
        if self.fail:
            produced.failure(KafkaTimeoutError("Expiring 1 record(s): 10002 ms has passed since batch creation"))
        else:
            produced.success((7, -1, None))
        return future

    def close(self, timeout=None) -> None:
        self.closed.set()


@pytest.fixture
def producers(monkeypatch):
    FakeProducer.made = []
    failing = iter([True])  # the first producer made fails its sends, later ones work
    monkeypatch.setattr(publishing.kafka_clients, "producer", lambda *a, **k: FakeProducer(fail=next(failing, False)))
    monkeypatch.setattr(publishing, "_producer", None)
    yield FakeProducer.made
    monkeypatch.setattr(publishing, "_producer", None)


def _send():
    return publishing.send_record("auction.bids", key=b"k", value=b"v", headers=[])


def test_a_failed_send_replaces_the_producer_and_the_next_one_goes_through(producers):
    with pytest.raises(publishing.PublishUnavailable, match="KafkaTimeoutError"):
        _send().result()
    [stuck] = producers
    assert stuck.closed.wait(5), "the stuck producer is closed (in the background)"
    assert _send().result().offset == 7
    assert [p.sent for p in producers] == [1, 1] and not producers[1].closed.is_set()


def test_concurrent_failures_replace_the_producer_once(producers):
    sendings = [_send() for _ in range(3)]  # all on the first producer, all failing
    for sending in sendings:
        with pytest.raises(publishing.PublishUnavailable):
            sending.result()
    assert _send().result().offset == 7
    assert len(producers) == 2
