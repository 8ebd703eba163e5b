"""Closing emails end to end: an auction with 1,000 bidders ends; how fast do its emails go out?

Figures for the harness (`measure`), or printed by a standalone run:

    eval "$(.venv/bin/python -m deploy.stack env --profile dev)"
    DATABASE_URL=postgres://postgres@127.0.0.1:35432/auction_notifications_bench \\
        .venv/bin/python tests/benchmarks/bench_notifications.py [--bidders 1000] [--concurrency 2] [--smoke]

Runs the real pieces against the servers of the bench: the bidding and notifications processors
(subprocesses), one Celery worker (prefork pool, as in deploy/supervisord.conf) and an SMTP server
in this process (aiosmtpd). The bidders turned outbid emails off, so only the closing emails
(1 won, 1 sold, 999 lost) are measured:
- ledger: from AuctionClosed (its closed_at) to the last of its ledger rows committed;
- first / last email: from AuctionClosed to the first / last email the SMTP server accepted;
- emails/s while sending (first→last email), each email's AuctionClosed→accepted percentiles,
  the SMTP connections used;
- the resident memory of the worker and the processors after each of two auctions run one after
  the other on them (the figures above are the first's, with cold caches).
Emails missing or received twice count as failures. The smoke size skips the processes: it
sends 50 ledger rows through the batch delivery in this process, to the same kind of SMTP server.
"""
from __future__ import annotations

import argparse
import logging
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.figures import Bench, Figure  # noqa: E402
from tests.benchmarks.servers import bench_from_environment, database_url_of_django, django_for, print_figures, rss_mib  # noqa: E402

SECTION = "Notifications"
GOAL_S = 5.0
CLOSE_TIMEOUT_S = 300
SMOKE_EMAILS = 50


def _people(bidders: int):
    from django.contrib.auth import get_user_model

    from auction.notifications.models import Preference

    user_model = get_user_model()
    run_id = uuid.uuid4().hex[:6]
    people = [
        user_model(id=random.randrange(10**8, 2**31 - 1), username=f"bench-{run_id}-{n}", email=f"bench-{run_id}-{n}@example.test")
        for n in range(bidders + 1)
    ]
    for person in people:
        person.set_unusable_password()
    people = user_model.objects.bulk_create(people)
    Preference.objects.bulk_create([Preference(user=person, outbid=False) for person in people])
    return people[0], people[1:]


def _closed_at(bootstrap: str, item_id: str, start_offsets):
    """The item's AuctionClosed, read from auction.items.complete."""
    from kafka import KafkaConsumer

    from streams.events import decode

    consumer = KafkaConsumer(bootstrap_servers=bootstrap, isolation_level="read_committed", enable_auto_commit=False)
    consumer.assign(list(start_offsets))
    for tp, offset in start_offsets.items():
        consumer.seek(tp, offset)
    deadline = time.monotonic() + CLOSE_TIMEOUT_S
    try:
        while time.monotonic() < deadline:
            for records in consumer.poll(timeout_ms=500).values():
                for record in records:
                    if record.key == item_id.encode():
                        return decode(record.headers, record.key, record.value).event
        raise TimeoutError("the auction did not close")
    finally:
        consumer.close()


def _received(smtp, addresses: list[str]) -> tuple[list, int]:
    """The emails for these addresses, first copy of each, and how many expected ones are missing or doubled."""
    copies = Counter(address for mail in smtp.to(addresses) for address in mail.recipients)
    failures = sum(1 for address in addresses if copies[address] != 1)
    return smtp.to(addresses), failures


def _percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def _one_auction(bench: Bench, bidders: int, smtp, logs: Path) -> dict:
    """List an item, have `bidders` people bid on it, wait for every closing email: what happened, when."""
    from kafka import KafkaConsumer, TopicPartition

    from auction.notifications.models import Notification
    from streams.bidding import minimum_next_bid
    from streams.topics import ITEMS_COMPLETE_TOPIC
    from tests.integration.notifications.support import bid, eventually, list_item

    seller, people = _people(bidders)
    addresses = [person.email for person in (seller, *people)]
    probe = KafkaConsumer(bootstrap_servers=bench.bootstrap)
    partitions = [TopicPartition(ITEMS_COMPLETE_TOPIC, p) for p in probe.partitions_for_topic(ITEMS_COMPLETE_TOPIC)]
    start_offsets = probe.end_offsets(partitions)
    probe.close()

    item_id = list_item(seller, ends_in_s=10 + bidders / 100, title="Benchmark lamp")
    amount = 10_00
    for person in people:
        bid(item_id, person, amount)
        amount = minimum_next_bid(10_00, amount)
    closed = _closed_at(bench.bootstrap, item_id, start_offsets)
    try:
        eventually(lambda: len(smtp.to(addresses)) >= len(addresses), timeout_s=CLOSE_TIMEOUT_S,
                   what=f"{len(addresses)} emails; logs in {logs}")
    except AssertionError as error:
        bench.note(f"Not every email arrived: {error}")
    time.sleep(1)  # a copy sent twice would come right behind
    mails, failures = _received(smtp, addresses)
    ledger_done = max(Notification.objects.filter(item_id=item_id).values_list("created_at", flat=True), default=None)
    return {"closed": closed, "addresses": addresses, "mails": mails, "failures": failures, "ledger_done": ledger_done}


def end_to_end(bench: Bench, bidders: int, concurrency: int, rounds: int = 2) -> list[Figure]:
    """`rounds` auctions one after the other on the same processes: the figures are the first's (cold
    caches, as after a deploy); the memory is measured after each, so growth from one to the next shows."""
    from streams.provisioning import ensure_topics
    from streams.topics import REGISTRY
    from tests.integration.conftest import ProcessorProcess
    from tests.integration.notifications.support import SmtpServer, celery_worker
    from tests.integration.readiness import free_port

    ensure_topics(bench.bootstrap, REGISTRY)
    smtp = SmtpServer(free_port()).start()
    queue = f"bench-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url_of_django(),
        "KAFKA_BOOTSTRAP_SERVERS": bench.bootstrap,
        "REDIS_URL": bench.redis_url,
        "STREAMS_NAME_SUFFIX": f"b{uuid.uuid4().hex[:8]}",
        "NOTIFY_QUEUE": queue,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
        "PYTHONUNBUFFERED": "1",
    }
    logs = Path(tempfile.mkdtemp(prefix="bench-notifications-"))
    started, runs, memory = [], [], []
    try:
        bidding = ProcessorProcess("bidding", env, logs / "bidding.log")
        notifications = ProcessorProcess("notifications", env, logs / "notifications.log")
        worker = celery_worker(env, logs / "worker.log", queue, concurrency=concurrency)
        for process in (bidding, notifications, worker):
            started.append(process.start())
        pids = {f"Celery worker (prefork pool of {concurrency}, with its children)": (worker.proc.pid, True),
                "notifications processor": (notifications.proc.pid, False), "bidding processor": (bidding.proc.pid, False)}
        for _ in range(rounds):
            runs.append(_one_auction(bench, bidders, smtp, logs))
            memory.append({name: rss_mib(pid, children=children) for name, (pid, children) in pids.items()})
    finally:
        for process in reversed(started):
            process.stop()
        smtp.stop()

    first = runs[0]
    mails, failures, addresses = first["mails"], sum(run["failures"] for run in runs), first["addresses"]
    closed_at = first["closed"].closed_at.timestamp()
    after_close = sorted(mail.at - closed_at for mail in mails) or [float("nan")]
    sending_s = after_close[-1] - after_close[0]
    later = ", ".join(
        f"{max(mail.at for mail in run['mails']) - run['closed'].closed_at.timestamp():.2f} s" for run in runs[1:] if run["mails"]
    )
    bench.note(
        f"{rounds} auctions of {bidders:,} bidders one after the other, {len(addresses):,} emails each "
        f"({first['closed'].outcome}); the first's {len(mails):,} went over {len({mail.connection for mail in mails})} SMTP "
        f"connections (Celery worker with a prefork pool of {concurrency}); AuctionClosed → last email of the later "
        f"auctions: {later or 'none'}. Load average {os.getloadavg()[0]:.1f}. Logs: {logs}"
    )
    ledger_done = first["ledger_done"]
    figures = [
        Figure(f"AuctionClosed → last of {len(addresses):,} emails accepted by SMTP", after_close[-1], "s",
               goal=f"≤ {GOAL_S:.0f} s", samples=len(mails), failures=failures),
        Figure("AuctionClosed → ledger rows committed", ledger_done.timestamp() - closed_at if ledger_done else float("nan"), "s"),
        Figure("AuctionClosed → first email accepted", after_close[0], "s"),
        Figure("AuctionClosed → email accepted, p50", statistics.median(after_close), "s", samples=len(mails)),
        Figure("AuctionClosed → email accepted, p99", _percentile(after_close, 0.99), "s", samples=len(mails)),
        Figure("emails/s while sending (first → last accepted)", len(mails) / sending_s if sending_s > 0 else float("nan"),
               "emails/s", samples=len(mails), failures=failures),
    ]
    for name in memory[0]:
        figures += [Figure(f"RSS of the {name} after auction {number}", readings[name], "MiB",
                           goal="flat from one auction to the next" if number > 1 else "")
                    for number, readings in enumerate(memory, start=1)]
    return figures


def delivery_only(bench: Bench, emails: int) -> list[Figure]:
    """The smoke size: ledger rows sent by the batch delivery in this process, no processes to start."""
    from django.conf import settings

    from auction.notifications.audience import Notice
    from auction.notifications.delivery import notifications_deliver
    from auction.notifications.kinds import Kind
    from auction.notifications.ledger import notifications_create
    from tests.integration.notifications.support import SmtpServer
    from tests.integration.readiness import free_port

    seller, people = _people(emails - 1)
    everyone = [seller, *people]
    details = {"item_id": str(uuid.uuid4()), "title": "Lamp", "image_url": "", "currency": "EUR", "outcome": "sold",
               "price": 15_00, "your_bid": 10_00}
    ids = notifications_create([(str(uuid.uuid4()), Notice(person.pk, Kind.LOST, details)) for person in everyone])
    smtp = SmtpServer(free_port()).start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.port
    try:
        started = time.perf_counter()
        for start in range(0, len(ids), settings.NOTIFY_BATCH_SIZE):
            notifications_deliver(sends=[(pk, 0) for pk in ids[start : start + settings.NOTIFY_BATCH_SIZE]])
        took = time.perf_counter() - started
        mails, failures = _received(smtp, [person.email for person in everyone])
    finally:
        smtp.stop()
    bench.note(f"Smoke: {len(ids)} ledger rows sent in batches of {settings.NOTIFY_BATCH_SIZE} in this process (no Celery, no processors).")
    return [Figure(f"{len(ids)} emails sent by the batch delivery, in-process", len(mails) / took, "emails/s",
                   samples=len(mails), failures=failures)]


def measure(bench: Bench) -> list[Figure]:
    django_for(bench)
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP line at INFO
    if bench.smoke:
        return delivery_only(bench, SMOKE_EMAILS)
    return end_to_end(bench, bidders=1000, concurrency=2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bidders", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes (prefork pool)")
    parser.add_argument("--rounds", type=int, default=2, help="auctions one after the other (memory after each)")
    parser.add_argument("--smoke", action="store_true", help="the harness's smoke size: delivery only, in this process")
    options = parser.parse_args()
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    bench = bench_from_environment(smoke=options.smoke)
    figures = delivery_only(bench, SMOKE_EMAILS) if options.smoke else end_to_end(bench, options.bidders, options.concurrency, options.rounds)
    print_figures(figures, bench)


if __name__ == "__main__":
    main()
