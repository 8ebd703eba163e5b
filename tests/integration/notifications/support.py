"""Real servers for the notification tests: an SMTP server that records what it receives, Celery
worker and beat subprocesses, auction events published to the log, and waiting for things."""
import asyncio
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from types import SimpleNamespace

from aiosmtpd.controller import Controller
from kafka.partitioner.default import murmur2

from auction.notifications.models import Notification, TrackedItem
from auction.publishing import publish
from streams.events import AuctionCancelled
from tests.support.auctions import publish_bid, publish_buy_now, publish_listing
from tests.support.waiting import eventually  # noqa: F401  (the notification tests' import)
from streams.topics import AUCTION_PARTITIONS

ROOT = Path(__file__).resolve().parents[3]
START_TIMEOUT_S = 60


@dataclass(frozen=True)
class Received:
    recipients: tuple[str, ...]
    raw: bytes
    at: float
    """When the server accepted it (seconds since the epoch)."""
    connection: tuple[str, int]
    """The client's address and port: one per SMTP connection, shared by the messages sent over it."""

    @cached_property
    def message(self) -> EmailMessage:
        """Parsed when first looked at: the server only stores it, so it accepts mail as fast as a real one."""
        return message_from_bytes(self.raw, policy=policy.default)

    @property
    def kind(self) -> str:
        return self.message["X-Auction-Notification"]

    @property
    def item_id(self) -> str:
        return self.message["X-Auction-Item"]

    @property
    def text(self) -> str:
        return self.message.get_body(preferencelist=("plain",)).get_content()

    @property
    def html(self) -> str:
        return self.message.get_body(preferencelist=("html",)).get_content()


REFUSED_PREFIX = "refused-"
"""Addresses starting with this are refused (550 at RCPT), as a real server refuses an unknown mailbox."""


class RecordingHandler:
    """Keeps every message; `hold()` makes sessions wait after MAIL FROM, before any data is sent.
    Refuses recipients whose address starts with REFUSED_PREFIX."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.received: list[Received] = []
        self._open = threading.Event()
        self._open.set()
        self.held = threading.Event()
        """Set once a session is waiting in a hold."""

    def hold(self) -> None:
        self.held.clear()
        self._open.clear()

    def release(self) -> None:
        self._open.set()

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if not self._open.is_set():
            self.held.set()
            while not self._open.is_set():
                await asyncio.sleep(0.05)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith(REFUSED_PREFIX):
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            self.received.append(Received(tuple(envelope.rcpt_tos), envelope.original_content, time.time(), session.peer))
        return "250 Message accepted for delivery"


class SmtpServer:
    """aiosmtpd on a fixed port, which tests can stop (connections refused) and start again."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.handler = RecordingHandler()
        self._controller: Controller | None = None

    def start(self) -> "SmtpServer":
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def to(self, addresses) -> list[Received]:
        """Messages for any of `addresses` (tests only look at their own people)."""
        wanted = set(addresses)
        with self.handler._lock:
            return [mail for mail in self.handler.received if wanted & set(mail.recipients)]


def tally(smtp_server: SmtpServer, people) -> Counter:
    """(item, username, kind) of every email the server received for these people, counted."""
    names = {person.email: person.username for person in people}
    return Counter(
        (mail.item_id, names[address], mail.kind)
        for mail in smtp_server.to(names)
        for address in mail.recipients
        if address in names
    )


def settled_tally(smtp_server: SmtpServer, people, expected: Counter, *, timeout_s: float = 60, quiet_s: float = 3) -> Counter:
    """The tally once every expected email arrived and nothing more came for `quiet_s`, for "exactly"."""
    eventually(lambda: not expected - tally(smtp_server, people), timeout_s=timeout_s, what=f"{sum(expected.values())} emails")
    time.sleep(quiet_s)
    return tally(smtp_server, people)


def final_tally(smtp_server: SmtpServer, people, ids, *, timeout_s: float) -> Counter:
    """The tally once none of the ledger rows `ids` of these people is pending any more, for "exactly", with no
    quiet period: a row is written sent in the transaction that sends its email, committed only after the
    server accepted it, and a row no longer pending is never claimed again (`auction.notifications.delivery`).
    So nothing more can come for these rows once they are settled, and everything that came is in."""
    rows = Notification.objects.filter(pk__in=ids, recipient_id__in=[person.pk for person in people])
    eventually(lambda: not rows.filter(status=Notification.Status.PENDING).exists(), timeout_s=timeout_s,
               what=f"{len(people)} ledger rows settled")
    return tally(smtp_server, people)


class CeleryProcess:
    """`celery -A auction worker|beat` as a subprocess; output goes to `log_path`."""

    def __init__(self, args: list[str], env: dict[str, str], log_path: Path, ready_mark: str) -> None:
        self.args, self.env, self.log_path, self.ready_mark = args, env, log_path, ready_mark
        self.proc: subprocess.Popen | None = None

    def start(self) -> "CeleryProcess":
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "auction", *self.args],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )
        try:
            eventually(lambda: self._ready(offset), timeout_s=START_TIMEOUT_S, what=f"celery {self.args[0]}; see {self.log_path}")
        except BaseException:
            self.kill()  # never leave a half-started process behind
            raise
        return self

    def _ready(self, offset: int) -> bool:
        if self.proc.poll() is not None:
            raise RuntimeError(f"celery {self.args[0]} exited with {self.proc.returncode}; see {self.log_path}")
        with self.log_path.open("rb") as log:
            log.seek(offset)
            return self.ready_mark.encode() in log.read()

    def stop(self, timeout_s: float = 20) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self.kill()

    def kill(self) -> None:
        """SIGKILL: the worker dies wherever it is, with its task unacknowledged."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def celery_worker(env: dict[str, str], log_path: Path, queue: str, *, concurrency: int = 0) -> CeleryProcess:
    """One worker on `queue`: a single process (solo pool) unless `concurrency` asks for a prefork pool."""
    pool = ["--pool", "prefork", "--concurrency", str(concurrency)] if concurrency else ["--pool", "solo"]
    args = ["worker", *pool, "--loglevel", "INFO", "-Q", queue, "-n", f"{queue}@%h",
            "--without-gossip", "--without-mingle", "--without-heartbeat"]
    return CeleryProcess(args, env, log_path, ready_mark="ready.")


def celery_beat(env: dict[str, str], folder: Path) -> CeleryProcess:
    """Beat keeps its schedule and leader lock in Redis (RedBeat): each beat gets keys of its own
    (`BEAT_KEY_PREFIX`), so that one test's beat never waits for another's lock or sends its tasks,
    unless `env` names the keys (beats meant to share them). Ready once started, before it leads."""
    env = {"BEAT_KEY_PREFIX": f"beat-{uuid.uuid4().hex[:8]}:", **env}
    args = ["beat", "--loglevel", "INFO", "--pidfile", str(folder / "beat.pid")]
    return CeleryProcess(args, env, folder / "beat.log", ready_mark="beat: Starting")


# -- auctions, through the event log ------------------------------------------------------------


def list_item(seller, *, ends_in_s: float, title: str, image_urls: tuple[str, ...] = ("/media/items/lamp.jpg",),
              **listing) -> str:
    """A listing with a picture (the emails show it); see `tests.support.auctions.publish_listing`."""
    return publish_listing(seller, ends_in_s=ends_in_s, title=title, image_urls=image_urls, **listing)


bid = publish_bid
buy_now = publish_buy_now


def cancel(item_id: str, reason: str) -> None:
    publish(AuctionCancelled(item_id=item_id, reason=reason))


def _one_item_id_per_partition() -> list[str]:
    found: dict[int, str] = {}
    while len(found) < AUCTION_PARTITIONS:
        item_id = str(uuid.uuid4())
        found.setdefault((murmur2(item_id.encode()) & 0x7FFFFFFF) % AUCTION_PARTITIONS, item_id)
    return list(found.values())


SENTINEL_SELLER = SimpleNamespace(pk=1, username="sentinel")


def wait_until_read(*, timeout_s: float) -> None:
    """Publish a listing to every partition and wait until the notifications processor tracks them all:
    it has then read everything published before. On a shared broker, a processor that starts from the
    beginning first reads everyone's history."""
    sentinels = [list_item(SENTINEL_SELLER, ends_in_s=600, title="Sentinel", item_id=item_id)
                 for item_id in _one_item_id_per_partition()]
    eventually(lambda: TrackedItem.objects.filter(item_id__in=sentinels).count() == len(sentinels),
               timeout_s=timeout_s, what="the notifications processor to read every partition up to now")
