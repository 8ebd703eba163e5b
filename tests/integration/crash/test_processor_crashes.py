"""The projector, analytics, notifications and live processors SIGKILLed five times each under load.

One run (`scenario.run_crashes`, shared by the tests here) drives steady auction traffic onto
topics of the test's own while the real processors (subprocesses, the production declarations on
those topics) are killed in turn at random moments 1.5-3 s apart and restarted at once; the
bidding processor runs beside them. Then each test holds one processor's results to a reference
that no crash touched:
- projector: its read models equal what `auction.streaming.rebuild` makes of the same log;
- analytics: its tables equal what a processor reading the same log once, uninterrupted, makes;
- notifications: its ledger holds exactly the emails the notification rules decide from the log,
  each once;
- live (at most once by design): no item's seq pushed twice, and every restarted instance pushed
  while it held its partitions;
- bidding: every bid decided exactly once, every auction closed exactly once.
"""
import random
import uuid
from collections import Counter
from datetime import timedelta

import pytest

from auction.live.groups import item_group
from streams.events import AuctionClosed, BidAccepted, BidPlaced, BuyNowRequested, Outcome
from tests.integration.coreflow.eventlog import decisions_by_bid, of_type
from tests.integration.crash.processes import KILLED
from tests.integration.crash.references import expected_emails, multiset_difference, rows_difference
from tests.integration.crash.scenario import KILLS_EACH, CrashRun, Leftovers, clean_up, run_crashes

pytestmark = pytest.mark.django_db(transaction=True)
"""The processors write from their own processes, so everything is committed; the mark is also what makes
pytest-django create the test database at all (for a run of only unmarked tests it creates none, and
`processor_env` would hand the processors the real database)."""

OUTBID_THROTTLE_S = 1
"""Short, so outbid emails depend on what the processor remembers between batches (and crashes)."""


@pytest.fixture(scope="module")
def crash_run(processor_env, provisioned_topics, kafka_bootstrap, redis_url, tmp_path_factory, django_db_blocker):
    leftovers = Leftovers(notify_queue=f"notify-crash-{uuid.uuid4().hex[:10]}")  # no worker reads it: nothing is sent
    env = {**processor_env, "REDIS_URL": redis_url, "NOTIFY_QUEUE": leftovers.notify_queue,
           "NOTIFY_OUTBID_THROTTLE_SECONDS": str(OUTBID_THROTTLE_S)}
    logs = tmp_path_factory.mktemp("crash")
    seed = random.randrange(2**32)
    print(f"\ncrash run: seed {seed}, processor logs in {logs}")
    try:
        with django_db_blocker.unblock():  # the processors run in other processes: everything here is committed
            run = run_crashes(bootstrap=kafka_bootstrap, redis_url=redis_url, env=env, logs=logs, seed=seed,
                              leftovers=leftovers)
        print(_summary(run))
        yield run
    finally:
        with django_db_blocker.unblock():
            clean_up(leftovers, bootstrap=kafka_bootstrap, redis_url=redis_url)


def _summary(run: CrashRun) -> str:
    restarts = {name: [g.ready_at - g.started_at for g in run.generations[name][1:] if g.ready_at] for name in KILLED}
    kills = sorted(g.killed_at for name in KILLED for g in run.generations[name] if g.killed_at)
    gaps = sorted(later - earlier for earlier, later in zip(kills, kills[1:]))
    return (
        f"crash run {run.prefix}: {len(run.bids_published)} bids on {len(run.listed)} auctions, "
        f"{len(run.ledger)} emails in the ledger, {len(run.heard)} live messages heard; kills (restart to ready, max): "
        + ", ".join(f"{name} {len(times)} ({max(times, default=0):.1f} s)" for name, times in restarts.items())
        + f"; gaps between kills {gaps[0]:.1f}-{gaps[-1]:.1f} s (median {gaps[len(gaps) // 2]:.1f} s); "
        + ", ".join(f"{what} {seconds:.1f} s" for what, seconds in run.timings.items())
    )


def _events(run: CrashRun, topic: str, *types):
    return of_type([logged.envelope for logged in run.log[topic]], *types)


def _decisions(run: CrashRun) -> dict[str, list]:
    return decisions_by_bid(logged.envelope for logged in run.log["auction.bids.history"])


def test_each_processor_was_killed_five_times_while_working_under_load(crash_run):
    for name in KILLED:
        killed = [g for g in crash_run.generations[name] if g.killed_at is not None]
        assert len(killed) >= KILLS_EACH, name
        for generation in killed:
            reading = generation.status_at_kill
            assert crash_run.load_started_at < generation.killed_at < crash_run.load_stopped_at, f"{name}: a kill outside the load"
            assert generation.ready_at is not None and generation.ready_at < generation.killed_at, name
            assert reading and len(reading["tasks_held"]) == reading["task_count"] > 0, f"{name}: killed while not holding: {reading}"
            assert reading["last_commit_age_s"] is not None, f"{name}: killed before it committed anything: {reading}"
        last = crash_run.generations[name][-1]
        assert last.killed_at is None and last.ready_at is not None, f"{name}: the last restart never held its partitions"
    assert crash_run.exit_codes == dict.fromkeys(crash_run.exit_codes, 0), f"an unclean stop; logs in {crash_run.logs}"
    assert crash_run.dead_letters == [], "no record may be dead-lettered"


def test_no_bid_is_lost_or_decided_twice_and_every_due_auction_closes_once(crash_run):
    placed = _events(crash_run, "auction.bids", BidPlaced)
    requests = _events(crash_run, "auction.bids", BuyNowRequested)
    closes = _events(crash_run, "auction.items.complete", AuctionClosed)
    assert Counter(bid.bid_id for bid in placed) == Counter([*crash_run.bids_published, *crash_run.probe_bids])
    assert Counter(close.item_id for close in closes) == Counter(crash_run.listed), "every auction closes once"
    bought = {(close.item_id, close.winner_id) for close in closes if close.outcome is Outcome.BOUGHT_NOW}
    assert bought == {(request.item_id, request.buyer_id) for request in requests}, "the one buy-now request succeeds"
    decided = _decisions(crash_run)  # a successful buy-now is answered by its close alone
    assert multiset_difference(
        [bid_id for bid_id, decisions in decided.items() for _ in decisions], [bid.bid_id for bid in placed]
    ) is None, "every bid has exactly one decision"
    outcomes = Counter(close.outcome.value for close in closes)
    assert {"sold", "no_bids", "reserve_not_met", "bought_now", "cancelled"} <= set(outcomes), outcomes


def test_the_projected_read_models_equal_a_rebuild_from_the_log(crash_run):
    problems = rows_difference(crash_run.projected, crash_run.rebuilt)
    assert not problems, problems
    # and both say what the log says (a rebuild shares the projector's code: equal could still be wrong)
    items = {str(row["id"]): row for row in crash_run.projected["items"]}
    assert set(items) == {*crash_run.listed, crash_run.probe_item_id}
    for close in _events(crash_run, "auction.items.complete", AuctionClosed):
        row = items[close.item_id]
        assert (row["status"], row["outcome"], row["seq"]) == ("closed", close.outcome.value, close.seq), close.item_id
    bids = {str(row["id"]): row["status"] for row in crash_run.projected["bids"]}
    decided = {bid_id: "accepted" if isinstance(d, BidAccepted) else "rejected" for bid_id, [d] in _decisions(crash_run).items()}
    assert bids == decided


def test_the_analytics_tables_equal_the_same_events_folded_once(crash_run):
    problems = rows_difference(crash_run.analytics_crashed, crash_run.analytics_replayed)
    assert not problems, problems
    accepted = _events(crash_run, "auction.bids.history", BidAccepted)
    closes = _events(crash_run, "auction.items.complete", AuctionClosed)
    tables = crash_run.analytics_crashed
    assert len(tables["bidfact"]) == len(accepted) and len(tables["closefact"]) == len(closes)
    assert len(tables["bidwindow"]) >= 6, "the run spans many five-second windows"


def test_the_ledger_holds_every_expected_email_exactly_once(crash_run):
    expected = expected_emails(crash_run.log, timedelta(seconds=OUTBID_THROTTLE_S))
    assert {recipient for _, recipient, _ in expected} <= crash_run.user_ids
    ledger = {}
    for row in crash_run.ledger:
        key = (row["event_id"], row["recipient_id"], row["kind"])
        assert key not in ledger, f"{key} twice in the ledger"
        ledger[key] = row
    difference = multiset_difference(list(ledger), list(expected))
    assert difference is None, difference
    wrong = [(key, row["details"], expected[key]) for key, row in ledger.items() if row["details"] != expected[key]]
    assert not wrong, wrong[:3]
    kinds = Counter(kind for _, _, kind in expected)
    assert {"won", "sold", "lost", "unsold", "ended", "cancelled", "outbid"} <= set(kinds), kinds
    assert crash_run.tracked_items == [crash_run.probe_item_id], "closed items are forgotten, the open probe is not"


def test_live_never_pushes_a_seq_twice_and_every_restart_pushes_new_decisions(crash_run):
    heard, mine = crash_run.heard, {*crash_run.listed, crash_run.probe_item_id}
    pages = [h for h in heard if h.message["type"] == "item" and h.message["item"] in mine]
    assert all(h.group == item_group(h.message["item"]) for h in pages)
    for item_id in mine:
        seqs = [h.message["seq"] for h in pages if h.message["item"] == item_id]
        assert seqs == sorted(set(seqs)), f"item {item_id}: seqs pushed {seqs}"
    personal = Counter((h.group, h.message["type"], h.message.get("kind"), h.message["item"], h.message["seq"])
                       for h in heard if h.message["type"] in ("lead", "toast"))
    assert [key for key, count in personal.items() if count > 1] == []

    bid_of = {(d.item_id, d.state.seq): d.bid_id for d in _events(crash_run, "auction.bids.history", BidAccepted)}
    published = {**crash_run.bids_published, **crash_run.probe_bids}

    def placed_at(h) -> float | None:
        bid_id = bid_of.get((h.message["item"], h.message["seq"]))
        return published.get(bid_id) if h.message["type"] in ("item", "lead") and bid_id else None

    generations = crash_run.generations["live"]
    for n, generation in enumerate(generations):  # one instance at a time: what is heard while it holds is its own
        own = [h for h in heard if (generation.ready_at or float("inf")) < h.at < (generation.killed_at or float("inf"))]
        assert own, f"live instance {n} (of {len(generations)}) pushed nothing while it held its partitions"
    after_last_restart = [h for h in heard if h.message["item"] == crash_run.probe_item_id and h.message["type"] != "toast"]
    assert after_last_restart and all(placed_at(h) and placed_at(h) > generations[-1].started_at for h in after_last_restart)
    assert len(pages) > 200, f"only {len(pages)} item pushes heard"
