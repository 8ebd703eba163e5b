"""One run of the platform on private topics under load, with the projector, analytics, notifications
and live processors each SIGKILLed at least five times, and everything the crash tests compare.

The run: the private bidding processor (never killed) and the four processors start and hold their
partitions; a channel-layer tap subscribes to every item's and person's group; the load starts;
every 1.5-3 s (at random) the next processor in turn is SIGKILLed and started again at once. Its
readiness (it holds every partition, read from its /status) is awaited in the background, and
before it is killed again it must be ready and have committed since its restart (the live processor:
have pushed something since; a kill waits for that when a slow restart has not got there yet), so every kill hits a working instance. After the last kill the load goes
on for a few seconds, a probe bid checks that the last live instance pushes, every auction closes,
and every processor with a sink works off its backlog. Then the processors stop (SIGTERM) and the
results are read: what the crashed processors wrote, and the references:
- projector: `auction.streaming.rebuild.rebuild` of the projector's declaration on the
  private topics (the real rebuild: empties the read models, replays the whole log, one transaction);
- analytics: the tables emptied and the same topics folded by a fresh analytics processor that is
  never killed;
- notifications: computed by the tests from the log itself (`references`).
"""
from __future__ import annotations

import random
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import connections
from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition

from auction.live.groups import item_group, person_group
from streams.events import Envelope, decode
from streams.runtime import Runner, RuntimeConfig
from streams.topics import DEAD_LETTER_TOPIC
from tests.integration.coreflow.private_topics import private, provision
from tests.integration.crash.load import Load
from tests.integration.crash.processes import KILLED, CrashableProcess, consumer_name, private_processor, served_consumer
from tests.integration.crash.tap import Heard, Tap
from tests.integration.readiness import status

KILLS_EACH = 5
KILL_GAP_S = (1.5, 3.0)
LOAD_BEFORE_FIRST_KILL_S = 3.0
LOAD_AFTER_LAST_KILL_S = 4.0
CLOSE_TIMEOUT_S = 60
CATCH_UP_TIMEOUT_S = 120
PROBE_TIMEOUT_S = 30
LIVE_PUSH_TIMEOUT_S = 30
SELLERS, BIDDERS = 3, 12
SINK_PROCESSORS = ("projector", "analytics", "notifications")
INPUT_TOPICS = ("auction.items", "auction.bids", "auction.bids.history", "auction.items.complete")


@dataclass
class Generation:
    """One process of a processor: from its start to its SIGKILL (or to the end of the run)."""

    started_at: float
    ready_at: float | None = None
    killed_at: float | None = None
    status_at_kill: dict | None = None
    """Its /status read the moment before the kill."""
    error: BaseException | None = None
    waiter: threading.Thread | None = None


@dataclass(frozen=True)
class Logged:
    partition: int
    offset: int
    timestamp_ms: int
    envelope: Envelope


@dataclass
class CrashRun:
    prefix: str
    user_ids: set[int]
    listed: list[str]
    """Every lot the load listed (each due to close during the run)."""
    probe_item_id: str
    probe_bids: dict[str, float]
    """bid id → when it was published, after the last restart of every processor."""
    bids_published: dict[str, float]
    load_started_at: float
    load_stopped_at: float
    generations: dict[str, list[Generation]]
    exit_codes: dict[str, int]
    log: dict[str, list[Logged]]
    """Every committed record of each private topic of `INPUT_TOPICS`."""
    dead_letters: list
    """The raw records of the private dead-letter topic."""
    heard: list[Heard]
    projected: dict
    rebuilt: dict
    analytics_crashed: dict
    analytics_replayed: dict
    ledger: list[dict]
    tracked_items: list[str]
    """Items the notifications processor still keeps state for."""
    logs: Path
    timings: dict[str, float] = field(default_factory=dict)


@dataclass
class Leftovers:
    """What a run puts in shared places, noted as soon as it does, for `clean_up` even after a failure."""

    notify_queue: str
    prefix: str | None = None
    user_ids: set[int] = field(default_factory=set)
    item_ids: list[str] = field(default_factory=list)


def _users(prefix: str) -> tuple[list, list]:
    """Committed accounts with ids no other run uses: person groups live on a Redis others share."""
    model = get_user_model()
    ids = random.sample(range(10**8, 2**31 - 1), SELLERS + BIDDERS)

    def make(role: str, pk: int):
        name = f"{role}-{uuid.uuid4().hex[:8]}"
        return model.objects.create_user(id=pk, username=name, email=f"{name}@example.test")

    return [make("seller", pk) for pk in ids[:SELLERS]], [make("bidder", pk) for pk in ids[SELLERS:]]


def read_log(bootstrap: str, topic: str, *, decoded: bool = True) -> list:
    """Every committed record of the topic, in offset order per partition (raw records unless `decoded`)."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, isolation_level="read_committed", enable_auto_commit=False,
                             max_poll_records=10_000)
    try:
        partitions = [TopicPartition(topic, n) for n in sorted(consumer.partitions_for_topic(topic))]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        ends = consumer.end_offsets(partitions)
        records = []
        deadline = time.monotonic() + 60
        while any(consumer.position(tp) < ends[tp] for tp in partitions):
            assert time.monotonic() < deadline, f"could not read {topic} to its end"
            for batch in consumer.poll(timeout_ms=200).values():
                records += [r for r in batch if r.offset < ends[TopicPartition(r.topic, r.partition)]]
    finally:
        consumer.close()
    records.sort(key=lambda r: (r.partition, r.offset))
    if not decoded:
        return records
    return [Logged(r.partition, r.offset, r.timestamp, decode(r.headers, r.key, r.value)) for r in records]


def _last_offsets(bootstrap: str, prefix: str, topics) -> dict[tuple[str, int], int]:
    """Per private partition holding records: the offset after its last record (what a consumer stores when done)."""
    out = {}
    for topic in topics:
        name = private(prefix, topic)
        for logged in read_log(bootstrap, name):
            out[(name, logged.partition)] = max(out.get((name, logged.partition), 0), logged.offset + 1)
    return out


def _wait_caught_up(bootstrap: str, prefix: str, consumers: dict[str, tuple[str, ...]], timeout_s: float) -> None:
    """Until each sink consumer has stored offsets past the last record of each of its inputs."""
    from auction.streaming.models import ConsumedOffset

    deadline = time.monotonic() + timeout_s
    for consumer, topics in consumers.items():
        wanted = _last_offsets(bootstrap, prefix, topics)
        while True:
            stored = {(row.topic, row.partition): row.next_offset for row in ConsumedOffset.objects.filter(consumer=consumer)}
            behind = {tp: (stored.get(tp), end) for tp, end in wanted.items() if stored.get(tp, 0) < end}
            if not behind:
                break
            if time.monotonic() > deadline:
                raise TimeoutError(f"{consumer} is still behind: {behind}")
            time.sleep(0.2)


def _wait_bidding_caught_up(bootstrap: str, prefix: str, group: str, timeout_s: float) -> None:
    """Until the bidding processor has committed offsets past every record of its inputs (so every bid is decided)."""
    wanted = _last_offsets(bootstrap, prefix, ("auction.items", "auction.bids"))
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            stored = {(tp.topic, tp.partition): meta.offset for tp, meta in admin.list_group_offsets(group)[group].items()}
            behind = {tp: (stored.get(tp), end) for tp, end in wanted.items() if stored.get(tp, -1) < end}
            if not behind:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"the bidding processor is still behind: {behind}")
            time.sleep(0.2)
    finally:
        admin.close()


def projector_snapshot(item_ids) -> dict:
    """The read models' rows about these items, in a stable order."""
    from auction.bidding.models import Bid
    from auction.catalog.models import Item
    from auction.staff.models import AuditEntry, PlacedBid

    return {
        "items": list(Item.objects.filter(pk__in=item_ids).order_by("pk").values()),
        "bids": list(Bid.objects.filter(item_id__in=item_ids).order_by("pk").values()),
        "placed": list(PlacedBid.objects.filter(item_id__in=item_ids).order_by("pk").values()),
        "audit": list(AuditEntry.objects.filter(item_id__in=item_ids).order_by("event_id").values(
            *[f.name for f in AuditEntry._meta.concrete_fields if f.name != "id"])),
    }


def _rebuilt(bootstrap: str, prefix: str, item_ids) -> dict:
    """The read models as a rebuild makes them from the private log (the crashed projector stopped)."""
    from auction.streaming.rebuild import rebuild

    result = rebuild(private_processor("projector", prefix), bootstrap_servers=bootstrap)
    assert result.skipped == 0, f"the rebuild skipped {result.skipped} records"
    return projector_snapshot(item_ids)


def _analytics_replayed(bootstrap: str, prefix: str) -> dict:
    """The analytics tables emptied and filled again by a processor that reads the same topics once, uninterrupted."""
    from auction.analytics.services import analytics_reset
    from tests.integration.analytics.support import snapshot

    consumer = consumer_name("analytics-ref", prefix)
    analytics_reset(consumer=consumer)
    processor = private_processor("analytics", prefix, consumer=consumer)
    stop, failures = threading.Event(), []

    def run() -> None:
        try:
            Runner(processor, RuntimeConfig(bootstrap_servers=bootstrap, poll_timeout_ms=50)).run(stop)
        except BaseException as error:  # surfaced below
            failures.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, name="analytics-reference")
    thread.start()
    try:
        _wait_caught_up(bootstrap, prefix, {consumer: processor_inputs("analytics")}, CATCH_UP_TIMEOUT_S)
    finally:
        stop.set()
        thread.join(60)
    if failures:
        raise failures[0]
    return snapshot()


def processor_inputs(name: str) -> tuple[str, ...]:
    from auction.processors import processor_named

    return tuple(processor_named(name).inputs)


def _kill_and_restart(process: CrashableProcess, generations: list[Generation]) -> None:
    current = generations[-1]
    assert process.proc.poll() is None, f"{process.name} died on its own; see {process.log_path}"
    current.status_at_kill = status(process.port)
    process.kill()
    current.killed_at = time.monotonic()
    process.start(wait_ready=False)
    restarted = Generation(started_at=time.monotonic())
    generations.append(restarted)
    _await_ready(process, restarted)


def _await_ready(process: CrashableProcess, generation: Generation) -> None:
    """Wait for readiness in the background, noting when it came."""

    def wait() -> None:
        try:
            process.wait_ready()
            generation.ready_at = time.monotonic()
        except BaseException as error:  # surfaced by `_ready`
            generation.error = error

    generation.waiter = threading.Thread(target=wait, name=f"ready-{process.name}", daemon=True)
    generation.waiter.start()


def _ready(generation: Generation) -> None:
    generation.waiter.join()
    if generation.error is not None:
        raise generation.error


def _working(process: CrashableProcess, timeout_s: float = 60) -> None:
    """Until the instance has committed a transaction since it started: a kill then hits it at work, not
    while it is still starting (on a busy machine a restart can take several seconds to hold its partitions)."""
    deadline = time.monotonic() + timeout_s
    while (reading := status(process.port)) is None or reading["last_commit_age_s"] is None:
        assert process.proc.poll() is None, f"{process.name} died on its own; see {process.log_path}"
        assert time.monotonic() < deadline, f"{process.name} committed nothing within {timeout_s} s: {reading}"
        time.sleep(0.05)


def _pushing(generation: Generation, tap: Tap, timeout_s: float = LIVE_PUSH_TIMEOUT_S) -> None:
    """Until the live instance has pushed something since it became ready (its "at work": the one before it
    was SIGKILLed before it started, so whatever is heard now is its own). On a busy machine the bidding
    processor's lag can outlast a few-second instance. Gives up quietly after `timeout_s`: the live test
    then says which instance never pushed."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and not any(h.at > generation.ready_at for h in tap.heard[-50:]):
        time.sleep(0.05)


def _probe(load: Load, tap: Tap, bidders) -> dict[str, float]:
    """Bids on an item nothing else touches until a push about it is heard: the live processor pushes
    decisions made after its last restart. (Bids go on until then: a decision made while a restarted
    instance positions itself at the end of the log is legitimately never pushed.)"""
    sent: dict[str, float] = {}
    deadline = time.monotonic() + PROBE_TIMEOUT_S
    amount = 10_00
    while time.monotonic() < deadline:
        bid_id = load.bid_on_probe(bidders[len(sent) % 2], amount)
        sent[bid_id] = time.monotonic()
        amount += 5_00
        until = time.monotonic() + 2
        while time.monotonic() < until:
            if any(heard.message.get("item") == load.probe_item_id for heard in tap.heard):
                return sent
            time.sleep(0.05)
    return sent


def run_crashes(*, bootstrap: str, redis_url: str, env: dict[str, str], logs: Path, seed: int, leftovers: Leftovers) -> CrashRun:
    from auction.analytics.services import analytics_reset
    from tests.integration.analytics.support import snapshot
    from auction.notifications.models import Notification, TrackedItem

    timings: dict[str, float] = {}
    began = time.monotonic()
    prefix = leftovers.prefix = f"crash-{uuid.uuid4().hex[:10]}"
    provision(bootstrap, prefix)
    analytics_reset(consumer=served_consumer("analytics", prefix, env))  # the analytics tables hold this run's results only
    sellers, bidders = _users(prefix)
    leftovers.user_ids = {user.pk for user in (*sellers, *bidders)}
    rng = random.Random(seed)
    processes = {name: CrashableProcess.of(name, prefix, env, logs) for name in ("bidding", *KILLED)}
    generations: dict[str, list[Generation]] = {name: [] for name in processes}
    load = Load(bootstrap, prefix, sellers, bidders, seed)
    leftovers.item_ids = [*load.item_ids, load.probe_item_id]
    tap = Tap(redis_url, [item_group(i) for i in [*load.item_ids, load.probe_item_id]]
              + [person_group(user.pk) for user in (*sellers, *bidders)])
    tap.start()
    try:
        for name, process in processes.items():
            process.start(wait_ready=False)
            generations[name].append(Generation(started_at=time.monotonic()))
            _await_ready(process, generations[name][-1])
        tap.wait_subscribed()
        for name in processes:
            _ready(generations[name][-1])
        timings["started"] = time.monotonic() - began
        load.list_probe()
        load.start()
        load_started_at = time.monotonic()
        last_kill = load_started_at + LOAD_BEFORE_FIRST_KILL_S - KILL_GAP_S[0]
        for _ in range(KILLS_EACH):
            for name in KILLED:
                _ready(generations[name][-1])  # only an instance holding its partitions, and at work, is killed
                _working(processes[name])
                if name == "live":
                    _pushing(generations[name][-1], tap)
                time.sleep(max(0.0, last_kill + rng.uniform(*KILL_GAP_S) - time.monotonic()))
                _kill_and_restart(processes[name], generations[name])
                last_kill = generations[name][-2].killed_at
        for name in KILLED:
            _ready(generations[name][-1])
        time.sleep(max(0.0, last_kill + LOAD_AFTER_LAST_KILL_S - time.monotonic()))
        load.finish()
        timings["load"] = load.stopped_at - load_started_at
        probe_bids = _probe(load, tap, bidders)
        listed = list(load.published.listed)
        closed = lambda: {x.envelope.event.item_id for x in read_log(bootstrap, private(prefix, "auction.items.complete"))}  # noqa: E731
        deadline = time.monotonic() + CLOSE_TIMEOUT_S
        while not set(listed) <= closed() and time.monotonic() < deadline:  # the tests say which did not close
            time.sleep(0.5)
        _wait_bidding_caught_up(bootstrap, prefix, f"bidding-{prefix}-{env['STREAMS_NAME_SUFFIX']}", CATCH_UP_TIMEOUT_S)
        _wait_caught_up(bootstrap, prefix, {served_consumer(name, prefix, env): processor_inputs(name) for name in SINK_PROCESSORS},
                        CATCH_UP_TIMEOUT_S)
        timings["caught up"] = time.monotonic() - began
    finally:
        if load.is_alive():  # a failure mid-run: stop the traffic first
            load.stop_event.set()
            load.join(30)
        for process in processes.values():
            process.stop()
        heard = tap.stop()
        load.close()
    exit_codes = {name: process.proc.returncode for name, process in processes.items()}
    log = {topic: read_log(bootstrap, private(prefix, topic)) for topic in INPUT_TOPICS}
    dead_letters = read_log(bootstrap, private(prefix, DEAD_LETTER_TOPIC), decoded=False)
    item_ids = [*listed, load.probe_item_id]
    projected = projector_snapshot(item_ids)
    ledger = list(Notification.objects.filter(item_id__in=item_ids).values("event_id", "recipient_id", "kind", "item_id", "details"))
    tracked_items = [str(pk) for pk in TrackedItem.objects.filter(item_id__in=item_ids).values_list("item_id", flat=True)]
    analytics_crashed = snapshot()
    rebuilt = _rebuilt(bootstrap, prefix, item_ids)
    analytics_replayed = _analytics_replayed(bootstrap, prefix)
    timings["total"] = time.monotonic() - began
    return CrashRun(
        prefix=prefix, user_ids={user.pk for user in (*sellers, *bidders)}, listed=listed,
        probe_item_id=load.probe_item_id, probe_bids=probe_bids, bids_published=dict(load.published.bids),
        load_started_at=load_started_at, load_stopped_at=load.stopped_at, generations=generations,
        exit_codes=exit_codes, log=log, dead_letters=dead_letters, heard=heard, projected=projected, rebuilt=rebuilt,
        analytics_crashed=analytics_crashed, analytics_replayed=analytics_replayed, ledger=ledger,
        tracked_items=tracked_items, logs=logs, timings=timings,
    )


def clean_up(leftovers: Leftovers, *, bootstrap: str, redis_url: str) -> None:
    """Remove what the run left on Redis, on the broker and in the test database (best effort for the first two)."""
    import redis

    from auction.analytics.models import SourceWatermark
    from auction.analytics.processor import TABLES as ANALYTICS_TABLES
    from auction.bidding.models import Bid
    from auction.catalog.models import Item
    from auction.notifications.models import Notification, TrackedBidder, TrackedItem
    from auction.staff.models import AuditEntry, PlacedBid
    from auction.streaming.models import ConsumedOffset

    queue = leftovers.notify_queue  # the email jobs no worker was meant to take, and kombu's bindings of the queue
    try:
        client = redis.Redis.from_url(redis_url)
        client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
        client.close()
    except redis.RedisError:
        pass
    prefix = leftovers.prefix
    if prefix is None:
        return
    try:
        admin = KafkaAdminClient(bootstrap_servers=bootstrap)
        try:
            mine = [topic for topic in admin.list_topics() if topic.startswith((f"{prefix}.", f"bidding-{prefix}-"))]
            if mine:
                admin.delete_topics(mine)
        finally:
            admin.close()
    except Exception:  # topics left behind cost nothing but space
        pass
    item_ids = leftovers.item_ids
    Item.objects.filter(pk__in=item_ids).delete()
    for model in (Bid, PlacedBid, AuditEntry, Notification, TrackedBidder, TrackedItem):
        model.objects.filter(item_id__in=item_ids).delete()
    for model in ANALYTICS_TABLES.derived:
        model.objects.all().delete()
    # every consumer of this run's names the prefix: the reference analytics' and the served ones (suffixed)
    ConsumedOffset.objects.filter(consumer__contains=prefix).delete()
    SourceWatermark.objects.filter(consumer__contains=prefix).delete()
    get_user_model().objects.filter(pk__in=leftovers.user_ids).delete()


def by_item(logged: list[Logged]) -> dict[str, list[Envelope]]:
    grouped: dict[str, list[Envelope]] = defaultdict(list)
    for entry in logged:
        grouped[entry.envelope.event.item_id].append(entry.envelope)
    return grouped
