"""The bidding processor killed with SIGKILL mid-load loses and doubles no decision.

The real processor runs as `python -m streams.runtime.run` on private copies of the auction
topics (only there can every record it writes be counted: on the shared topics every run's
bidding processor decides every bid). Bids stream in while it is killed and restarted; then
every bid must have exactly one committed decision, the one a sequential replay of the item's
bids gives (so the item states restored from the changelog after each crash were right), and
every auction exactly one close, by a timer that outlived the crashes.
"""
import random
import signal
import threading
import time
from collections import Counter
from datetime import datetime, timedelta, timezone

from streams.events import AuctionClosed, BidPlaced, ItemListed
from tests.integration.coreflow.private_topics import PREFIX_VARIABLE, private, produce_privately, provision
from tests.integration.coreflow.eventlog import committed_events, decisions_by_bid, of_type
from tests.integration.coreflow.replay import Replay, without_time
from tests.integration.coreflow.workload import auction_workload
from tests.support.waiting import eventually
from tests.integration.runtime.support import committed_count, spawn

ITEMS, BIDS, LOAD_S, KILLS = 12, 6_000, 12, 3
CLOSE_AFTER_LOAD_S = 15
"""Time for the restarted processor to work off the backlog before the auctions end."""
SPEC = "tests.integration.coreflow.private_topics:bidding"


def test_no_decision_is_lost_or_doubled_when_the_bidding_processor_is_killed(kafka_bootstrap, unique_name):
    prefix = unique_name("coreflow-crash")
    provision(kafka_bootstrap, prefix)
    now = datetime.now(timezone.utc)
    events = auction_workload(
        random.Random(11), items=ITEMS, bids=BIDS, now=now, ends_at=now + timedelta(seconds=LOAD_S + CLOSE_AFTER_LOAD_S)
    )
    listings, bids = events[:ITEMS], events[ITEMS:]  # listings first: the workload lists, then bids
    produce_privately(kafka_bootstrap, prefix, listings)
    load = threading.Thread(target=produce_privately, args=(kafka_bootstrap, prefix, bids), kwargs={"seconds": LOAD_S})
    history = private(prefix, "auction.bids.history")
    environment = {PREFIX_VARIABLE: prefix, "STREAMS_STATIC_MEMBERSHIP": "1"}  # a restart takes its partitions straight back

    process = spawn(SPEC, kafka_bootstrap, environment, "slot-0")
    load.start()
    committed_at_kills = []
    try:
        for _ in range(KILLS):
            time.sleep(random.uniform(2.0, 3.0))
            assert process.poll() is None, "the processor died on its own"
            process.send_signal(signal.SIGKILL)
            process.wait()
            committed_at_kills.append(committed_count(kafka_bootstrap, history))
            process = spawn(SPEC, kafka_bootstrap, environment, "slot-0")
        load.join()
        eventually(
            lambda: len(committed_events(kafka_bootstrap, private(prefix, "auction.items.complete"))) >= ITEMS,
            timeout_s=LOAD_S + CLOSE_AFTER_LOAD_S + 60, what="every auction to close",
        )
    finally:
        process.send_signal(signal.SIGTERM)
        exit_code = process.wait(timeout=60)

    assert exit_code == 0
    assert committed_at_kills[-1] < BIDS, f"every kill must land mid-load: {committed_at_kills}"
    decided = decisions_by_bid(committed_events(kafka_bootstrap, history))
    closed = of_type(committed_events(kafka_bootstrap, private(prefix, "auction.items.complete")), AuctionClosed)
    placed_in_log = of_type(committed_events(kafka_bootstrap, private(prefix, "auction.bids")), BidPlaced)
    assert Counter(len(decisions) for decisions in decided.values()) == Counter({1: BIDS})
    assert Counter(close.item_id for close in closed) == Counter({listing.item_id: 1 for listing in listings})
    for listing in of_type(committed_events(kafka_bootstrap, private(prefix, "auction.items")), ItemListed):
        placed = [bid for bid in placed_in_log if bid.item_id == listing.item_id]
        replay = Replay.of(listing, placed)
        assert [without_time(decided[bid.bid_id][0]) for bid in placed] == [
            without_time(replay.decisions[bid.bid_id]) for bid in placed
        ], listing.item_id
        [close] = [close for close in closed if close.item_id == listing.item_id]
        assert without_time(close) == without_time(replay.closed(close.closed_at))
