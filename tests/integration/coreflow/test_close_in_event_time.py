"""Auctions close in event time: bids placed before the end count, however late the processor reads them.

The bidding processor sees a listing (and so holds its close timer), then is stopped. Bids are
placed before the end while it is down, the last ones inside the soft-close window, and it
starts again only after the auction (even extended) is over. A wall-clock timer would fire at
once and reject them all as "closed"; in stream time the timer waits until the bids are read.
"""
import random
import signal
import time
import uuid
from datetime import datetime, timedelta, timezone

from kafka import KafkaConsumer, TopicPartition
from kafka.partitioner.default import murmur2

from streams.events import AuctionClosed, BidAccepted, BidPlaced, ItemListed
from streams.money import Money
from tests.integration.coreflow.eventlog import committed_events, decisions_by_bid, of_type
from tests.integration.coreflow.private_topics import PREFIX_VARIABLE, private, produce_privately, provision
from tests.integration.coreflow.replay import Replay, without_time
from tests.support.waiting import eventually
from tests.integration.readiness import free_port, wait_holding
from tests.integration.runtime.support import spawn

SPEC = "tests.integration.coreflow.private_topics:bidding"
END_AFTER_S, WINDOW_S = 10, 3


def _listing_consumed(bootstrap: str, group: str, topic: str, item_id: str) -> bool:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False)
    try:
        partitions = len(consumer.partitions_for_topic(topic))
        tp = TopicPartition(topic, (murmur2(item_id.encode()) & 0x7FFFFFFF) % partitions)
        return (consumer.committed(tp) or 0) >= 1
    finally:
        consumer.close()


def _bid(item_id: str, bidder: int, euros: int) -> BidPlaced:
    return BidPlaced(
        bid_id=str(uuid.uuid4()), item_id=item_id, bidder_id=bidder, bidder_name=f"bidder{bidder}",
        amount=Money(minor=euros * 100, currency="EUR"), max_amount=None, placed_at=datetime.now(timezone.utc),
    )


def test_bids_placed_before_the_end_count_when_the_processor_reads_them_after_it(kafka_bootstrap, unique_name):
    prefix = unique_name("eventtime")
    provision(kafka_bootstrap, prefix)
    now = datetime.now(timezone.utc)
    ends_at = now + timedelta(seconds=END_AFTER_S)
    listing = ItemListed(
        item_id=str(uuid.UUID(int=random.getrandbits(128))), seller_id=1, seller_name="seller", title="Lot",
        description="", category="collectibles", location="", starting_price=Money(minor=10_00, currency="EUR"),
        starts_at=now, ends_at=ends_at, extension_window_seconds=WINDOW_S, extension_cap_seconds=60,
    )
    environment = {PREFIX_VARIABLE: prefix}
    port = free_port()
    process = spawn(SPEC, kafka_bootstrap, {**environment, "STREAMS_METRICS_PORT": str(port)}, "slot-0")
    try:
        wait_holding(port, process, 60, what="the bidding processor")
        produce_privately(kafka_bootstrap, prefix, [listing])
        eventually(
            lambda: _listing_consumed(kafka_bootstrap, f"bidding-{prefix}", private(prefix, "auction.items"), listing.item_id),
            timeout_s=30, what="the processor to take the listing (and its close timer)",
        )
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0

    bids = [_bid(listing.item_id, 2, 12), _bid(listing.item_id, 3, 15)]
    produce_privately(kafka_bootstrap, prefix, bids)
    time.sleep(max(0.0, (ends_at - datetime.now(timezone.utc)).total_seconds() - WINDOW_S / 2))
    sniper = _bid(listing.item_id, 4, 20)  # inside the soft-close window: extends the auction
    assert sniper.placed_at < ends_at, "the machine was too slow to place the sniper's bid in time"
    produce_privately(kafka_bootstrap, prefix, [sniper])
    bids.append(sniper)
    time.sleep(max(0.0, (ends_at - datetime.now(timezone.utc)).total_seconds() + WINDOW_S + 2))

    process = spawn(SPEC, kafka_bootstrap, {**environment, "STREAMS_METRICS_PORT": str(port)}, "slot-0")
    complete = private(prefix, "auction.items.complete")
    try:
        eventually(lambda: committed_events(kafka_bootstrap, complete), timeout_s=60, what="the close")
        time.sleep(2)  # a second close, if there were one, would follow at once
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0

    decided = decisions_by_bid(committed_events(kafka_bootstrap, private(prefix, "auction.bids.history")))
    assert [type(decided[bid.bid_id][0]) for bid in bids] == [BidAccepted] * 3, "a bid placed in time was refused"
    replay = Replay.of(listing, bids)
    assert [without_time(decided[bid.bid_id][0]) for bid in bids] == [
        without_time(replay.decisions[bid.bid_id]) for bid in bids
    ]
    closed = of_type(committed_events(kafka_bootstrap, complete), AuctionClosed)
    assert len(closed) == 1
    assert closed[0].winner_id == 4
    assert without_time(closed[0]) == without_time(replay.closed(closed[0].closed_at))
