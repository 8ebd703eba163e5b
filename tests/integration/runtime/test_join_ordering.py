"""A processor reading listings and bids sees a listing before the bid stamped after it,
even when the consumer gets the bid first."""
import time

from kafka import KafkaProducer

from tests.integration.runtime.processors import listing_bid_join
from tests.integration.runtime.support import create_topics, produce, read_committed, running

ITEM = b"item-42"


def topics(kafka_bootstrap: str, name: str) -> tuple[str, str, str, str]:
    listings, bids, target, dead_letters = f"{name}-items", f"{name}-bids", f"{name}-out", f"{name}-dlq"
    create_topics(kafka_bootstrap, [listings, bids], partitions=2)
    create_topics(kafka_bootstrap, [target, dead_letters], partitions=1)
    return listings, bids, target, dead_letters


def item_outputs(records) -> list[bytes]:
    return [record.value for record in records if record.key == ITEM]


def test_a_bid_fetched_before_its_listing_waits_while_the_listings_partition_lags(kafka_bootstrap, unique_name):
    name = unique_name("join-lag")
    listings, bids, target, dead_letters = topics(kafka_bootstrap, name)
    start = int(time.time() * 1000) - 60_000
    # Over 3 MB of older listings come first on the listing's partition, so the consumer's first
    # fetch (1 MB per partition) holds the bid but not the listing.
    filler = [(b"other-%d" % i, b"x" * 1_000, None, start + i) for i in range(3_500)]
    produce(kafka_bootstrap, listings, [*filler, (ITEM, b"lamp", None, start + 10_000)], partition=0)
    produce(kafka_bootstrap, bids, [(ITEM, b"bid-1", None, start + 20_000)], partition=0)

    with running(listing_bid_join(name, listings, bids, target, dead_letters, max_idle_ms=0), kafka_bootstrap):
        outputs = read_committed(kafka_bootstrap, target, expected=3_502)

    assert item_outputs(outputs) == [b"listing:lamp", b"bid:bid-1:listing=lamp"]


def test_a_bid_waits_briefly_for_a_listing_produced_just_after_it(kafka_bootstrap, unique_name):
    name = unique_name("join-idle")
    listings, bids, target, dead_letters = topics(kafka_bootstrap, name)
    now = int(time.time() * 1000)
    producer = KafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")

    processor = listing_bid_join(name, listings, bids, target, dead_letters, max_idle_ms=2_000)
    with running(processor, kafka_bootstrap) as runner:
        while not runner.assignment:
            time.sleep(0.05)
        # The listing happened first (its timestamp) but reaches Kafka 300 ms after the bid.
        producer.send(bids, key=ITEM, value=b"bid-1", partition=1, timestamp_ms=now + 1).get(timeout=10)
        time.sleep(0.3)
        producer.send(listings, key=ITEM, value=b"lamp", partition=1, timestamp_ms=now).get(timeout=10)
        producer.close()
        outputs = read_committed(kafka_bootstrap, target, expected=2)

    assert item_outputs(outputs) == [b"listing:lamp", b"bid:bid-1:listing=lamp"]


def test_a_listings_partition_paused_part_way_through_a_fetch_is_read_again_once_resumed(kafka_bootstrap, unique_name):
    """Polls of 50 records and buffers of 100: the listings' partition pauses part-way through a fetch
    while bids wait for it, and resumes. kafka-python parks a partition paused that way and, resumed,
    would never fetch it again (`streams.runtime.clients.GroupConsumer`); every listing is read and
    the bids are judged after them."""
    name = unique_name("join-pause")
    listings, bids, target, dead_letters = topics(kafka_bootstrap, name)
    start = int(time.time() * 1000) - 60_000
    produce(kafka_bootstrap, listings, [(b"item-%d" % i, b"lamp", None, start + i) for i in range(500)], partition=0)
    produce(kafka_bootstrap, bids, [(b"item-%d" % i, b"bid", None, start + 500 + i) for i in range(10)], partition=0)

    processor = listing_bid_join(name, listings, bids, target, dead_letters, max_idle_ms=0)
    with running(processor, kafka_bootstrap, max_batch=50, max_buffered_per_partition=100):
        outputs = read_committed(kafka_bootstrap, target, expected=510, timeout_s=60)

    assert [record.value for record in outputs] == [b"listing:lamp"] * 500 + [b"bid:bid:listing=lamp"] * 10
