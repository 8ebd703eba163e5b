"""The analytics sink's PostgreSQL path (binary COPY, unnested upserts, arrays of ids) stores exactly what the
pure core decides: the same workload, with late and replayed records, through the sink and through the
in-memory store of the unit tests gives the same windows, panes, outcomes, summaries and late events."""
import random
from datetime import timedelta

import pytest
from kafka.structs import TopicPartition

from auction.analytics import models
from auction.analytics import processor as analytics
from auction.analytics.services import analytics_reset
from auction.streaming.models import ConsumedOffset
from streams.analytics.auctions import Participation, Summary
from streams.analytics.cells import BidTally, BidWindowKey, OutcomeKey, OutcomeTally, PaneKey, Top
from streams.analytics.facts import AcceptedBid
from streams.analytics.policy import Policy
from tests.unit.analytics.memory import arrivals_of, facts_of, run
from tests.workloads.nexmark import Shape, generate

pytestmark = pytest.mark.django_db(transaction=True)

POLICY = Policy(window=timedelta(minutes=1), allowed_lateness=timedelta(seconds=30))
CONSUMER = "analytics-sink-test"
SHAPE = Shape(items=40, bids=3000, span=timedelta(minutes=20), seed=5)


def _log(rng: random.Random) -> list:
    """The workload's facts, with some bids re-sent minutes later (late) and some records replayed (duplicates)."""
    log = facts_of(generate(SHAPE))
    bids = [index for index, (_, fact) in enumerate(log) if isinstance(fact, AcceptedBid)]
    for index in sorted(rng.sample(bids[: len(bids) // 2], 6), reverse=True):
        moved = log.pop(index)
        log.insert(min(len(log), index + 400), moved)
    for index in rng.sample(range(len(log)), 40):
        log.insert(min(len(log), index + rng.randint(1, 600)), log[index])
    return log


def _batches(arrivals: list, rng: random.Random) -> list[list]:
    out, position = [], 0
    while position < len(arrivals):
        size = rng.choice((1, 7, 150, 2000))
        out.append(arrivals[position : position + size])
        position += size
    return out


def _stored() -> dict:
    bid_windows = {
        BidWindowKey(w.window_start, w.category, w.currency): BidTally(w.bids, Top(w.top_amount, str(w.top_bid_id), str(w.top_item_id)))
        for w in models.BidWindow.objects.all()
    }
    panes = {PaneKey(p.window_start, str(p.item_id), p.category): p.bids for p in models.ItemPane.objects.all()}
    outcomes = {
        OutcomeKey(o.window_start, o.category, o.outcome, o.currency): OutcomeTally(o.auctions, o.price_total)
        for o in models.OutcomeWindow.objects.all()
    }
    participations: dict[str, list] = {}
    for p in models.Participation.objects.order_by("bidder_id"):
        participations.setdefault(str(p.item_id), []).append(
            Participation(str(p.item_id), p.bidder_id, p.bidder_name, p.seller_id, p.bids, p.highest, p.won)
        )
    summaries = {}
    for row in models.AuctionSummary.objects.values_list(*Summary._fields):
        summary = Summary(str(row[0]), *row[1:])
        summaries[summary.item_id] = (summary, participations.get(summary.item_id, []))
    late = sorted(
        (str(e.item_id), e.fact_id if e.kind == "bid" else "", e.window_start) for e in models.LateEvent.objects.all()
    )
    return {"bid_windows": bid_windows, "panes": panes, "outcomes": outcomes, "summaries": summaries, "late": late}


def test_the_sink_stores_what_the_pure_core_decides_batch_for_batch():
    rng = random.Random(17)
    arrivals = arrivals_of(_log(rng))
    batches = _batches(arrivals, rng)
    analytics_reset(consumer=CONSUMER)

    sink = analytics.analytics_sink(CONSUMER, POLICY)
    for batch in batches:
        offsets = {TopicPartition(*arrival.source): arrival.offset + 1 for arrival in batch}
        sink.commit(batch, offsets)
    expected = run(arrivals, POLICY, [len(batch) for batch in batches]).results()

    stored = _stored()
    assert expected["late"], "the workload has late bids"
    assert stored == expected
    assert models.BidFact.objects.count() == len({a.fact.bid_id for a in arrivals if isinstance(a.fact, AcceptedBid)})
    last = {}
    for arrival in arrivals:
        last[arrival.source] = arrival.offset + 1
    assert {(o.topic, o.partition): o.next_offset for o in ConsumedOffset.objects.filter(consumer=CONSUMER)} == last
