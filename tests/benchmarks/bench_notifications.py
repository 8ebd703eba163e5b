"""Closing emails end to end: an auction with 1,000 bidders ends; how fast do its emails go out?

    eval "$(.venv/bin/python -m deploy.stack env --profile dev)"
    DATABASE_URL=postgres://postgres@127.0.0.1:35432/auction_notifications_bench \\
        .venv/bin/python tests/benchmarks/bench_notifications.py [--bidders 1000] [--concurrency 2]

Runs the real pieces against the servers in the environment: the bidding and notifications
processors (subprocesses), one Celery worker (prefork pool, as in deploy/supervisord.conf) and an SMTP
server in this process (aiosmtpd). The bidders turned outbid emails off, so only the closing
emails (1 won, 1 sold, 999 lost) are measured. Prints figures, asserts nothing:
- ledger: from AuctionClosed (its closed_at) to the last of its ledger rows committed;
- first / last email: from AuctionClosed to the first / last email the SMTP server accepted;
- emails/s end to end (emails ÷ AuctionClosed→last email) and while sending (first→last email).
The database is created and migrated when missing; every run uses fresh people and a fresh item.
"""
from __future__ import annotations

import argparse
import logging
import os
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "auction.settings")

import django  # noqa: E402
import psycopg  # noqa: E402

CLOSE_TIMEOUT_S = 300


def _create_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bidders", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes (prefork pool)")
    options = parser.parse_args()
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP line at INFO
    _create_database(os.environ["DATABASE_URL"])
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    run(options.bidders, options.concurrency)


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


def run(bidders: int, concurrency: int) -> None:
    from django.conf import settings
    from django.db import connection
    from kafka import KafkaConsumer, TopicPartition

    from auction.notifications.models import Notification
    from streams.bidding import minimum_next_bid
    from streams.provisioning import ensure_topics
    from streams.topics import REGISTRY
    from tests.integration.conftest import ProcessorProcess
    from tests.integration.notifications.conftest import free_port
    from tests.integration.notifications.support import SmtpServer, bid, celery_worker, eventually, list_item

    bootstrap = settings.KAFKA_BOOTSTRAP_SERVERS
    ensure_topics(bootstrap, REGISTRY)
    seller, people = _people(bidders)
    smtp = SmtpServer(free_port()).start()
    queue = f"bench-{uuid.uuid4().hex[:8]}"
    s = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}",
        "STREAMS_NAME_SUFFIX": f"b{uuid.uuid4().hex[:8]}",
        "NOTIFY_QUEUE": queue,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
        "PYTHONUNBUFFERED": "1",
    }
    logs = Path(tempfile.mkdtemp(prefix="bench-notifications-"))
    processes = [
        ProcessorProcess("bidding", env, logs / "bidding.log").start(),
        ProcessorProcess("notifications", env, logs / "notifications.log").start(),
        celery_worker(env, logs / "worker.log", queue, concurrency=concurrency).start(),
    ]
    try:
        probe = KafkaConsumer(bootstrap_servers=bootstrap)
        partitions = [TopicPartition("auction.items.complete", p) for p in probe.partitions_for_topic("auction.items.complete")]
        start_offsets = probe.end_offsets(partitions)
        probe.close()

        item_id = list_item(seller, ends_in_s=10 + bidders / 100, title="Benchmark lamp")
        amount = 10_00
        for person in people:
            bid(item_id, person, amount)
            amount = minimum_next_bid(10_00, amount)
        closed = _closed_at(bootstrap, item_id, start_offsets)
        addresses = [person.email for person in (seller, *people)]
        eventually(lambda: len(smtp.to(addresses)) >= len(addresses), timeout_s=CLOSE_TIMEOUT_S,
                   what=f"{len(addresses)} emails; logs in {logs}")
        arrivals = sorted(mail.at for mail in smtp.to(addresses))
        ledger_done = max(Notification.objects.filter(item_id=item_id).values_list("created_at", flat=True))
    finally:
        for process in reversed(processes):
            process.stop()
        smtp.stop()

    closed_at = closed.closed_at.timestamp()
    emails = len(arrivals)
    print(f"bidders: {bidders}, emails: {emails} ({closed.outcome}), worker processes: {concurrency}")
    print(f"AuctionClosed → ledger rows committed: {ledger_done.timestamp() - closed_at:.2f} s")
    print(f"AuctionClosed → first email accepted:  {arrivals[0] - closed_at:.2f} s")
    print(f"AuctionClosed → last email accepted:   {arrivals[-1] - closed_at:.2f} s")
    print(f"emails/s end to end: {emails / (arrivals[-1] - closed_at):.0f}; while sending: {emails / (arrivals[-1] - arrivals[0]):.0f}")


if __name__ == "__main__":
    main()
