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


def test_a_send_that_was_handed_over_but_not_acknowledged_is_uncertain_not_unwritten(producers):
    """An expired batch may have reached the broker: nobody may be told that nothing was saved."""
    with pytest.raises(publishing.PublishUncertain):
        _send().result()


def test_a_send_the_producer_refused_outright_wrote_nothing(monkeypatch):
    class Refusing:
        def send(self, *args, **kwargs):
            raise KafkaTimeoutError("Failed to update metadata after 5.0 secs.")

        def close(self, timeout=None) -> None:
            pass

    monkeypatch.setattr(publishing, "_producer", Refusing())
    with pytest.raises(publishing.PublishUnavailable) as raised:
        _send()
    assert not isinstance(raised.value, publishing.PublishUncertain)
    monkeypatch.setattr(publishing, "_producer", None)


def test_an_uncertain_write_is_answered_503_without_saying_nothing_was_saved(rf):
    from auction.errors import UNAVAILABLE, UNCERTAIN, ServiceErrorMiddleware

    middleware = ServiceErrorMiddleware(lambda request: None)
    uncertain = middleware.process_exception(rf.post("/api/items"), publishing.PublishUncertain("no ack"))
    unwritten = middleware.process_exception(rf.post("/api/items"), publishing.PublishUnavailable("down"))
    assert (uncertain.status_code, unwritten.status_code) == (503, 503)
    assert UNCERTAIN.encode() in uncertain.content and b"nothing was saved" not in uncertain.content
    assert UNAVAILABLE.encode() in unwritten.content


def test_photos_of_a_listing_whose_publish_is_uncertain_are_kept(settings, tmp_path):
    from django.core.files.storage import default_storage

    from auction.catalog.uploads import Photo, stored_images

    settings.MEDIA_ROOT = str(tmp_path)
    for error, kept in ((publishing.PublishUncertain("no ack"), True), (publishing.PublishUnavailable("down"), False)):
        with pytest.raises(type(error)):
            with stored_images([Photo(content=b"\x89PNG", extension="png")]) as urls:
                raise error
        name = urls[0].removeprefix(settings.MEDIA_URL)
        assert default_storage.exists(name) is kept
