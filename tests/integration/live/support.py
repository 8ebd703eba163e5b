"""Auctions through the real event log, waiting for what follows from them, reading pages' messages
as a browser does, a web server a test may kill, and a new live processor's group at the log end."""
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from auction.catalog.models import Item
from tests.support.auctions import publish_listing
from tests.support.waiting import eventually

PROJECTION_TIMEOUT_S = 30
ROOT = Path(__file__).resolve().parents[3]


def list_item(seller, *, title: str, ends_in_s: float, starting: int = 20_00, extension_window_s: int = 0) -> str:
    """Publish a listing and wait for the projector to show it; returns its id."""
    item_id = publish_listing(
        seller, title=title, ends_in_s=ends_in_s, starting=starting, extension_window_s=extension_window_s,
        description="Listed by the live-update tests.",
    )
    eventually(lambda: Item.objects.filter(pk=item_id).exists(), timeout_s=PROJECTION_TIMEOUT_S, what=f"item {title!r} projected")
    return item_id


def projected_seq(item_id: str, seq: int) -> bool:
    return Item.objects.filter(pk=item_id, seq__gte=seq).exists()


class PageView:
    """What a page makes of the messages its socket receives, by live.js's rules: an item's messages
    apply in sequence and repeats are ignored (other test runs' bidding processors, deciding the same
    bids on the shared log, repeat every decision); toasts count once."""

    def __init__(self, item_id: str) -> None:
        self.item_id = item_id
        self.applied: list[dict] = []
        self.leads: set[int] = set()
        self.toasts: dict[tuple[str, int], dict] = {}

    @property
    def seq(self) -> int:
        return self.applied[-1]["seq"] if self.applied else 0

    def take(self, message: dict) -> None:
        if message.get("item") != self.item_id:
            return  # the browse feed and personal groups hear about other items too
        if message["type"] == "item" and message["seq"] > self.seq:
            assert message["seq"] == self.seq + 1, f"a gap after seq {self.seq}: {message}"
            self.applied.append(message)
        elif message["type"] == "lead":
            self.leads.add(message["seq"])
        elif message["type"] == "toast":
            self.toasts.setdefault((message["kind"], message["seq"]), message)


async def follow(socket, view: PageView, *, until: Callable[[PageView], bool], timeout_s: float) -> PageView:
    """Feed the socket's messages to `view` until `until(view)` holds."""
    deadline = time.monotonic() + timeout_s
    while not until(view):
        view.take(await socket.receive_json_from(max(0.01, deadline - time.monotonic())))
    return view


class WebServer:
    """The site under uvicorn on a port of its own, which a test can kill (every socket drops) and start again."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.env, self.log_path = env, log_path
        self.proc: subprocess.Popen | None = None

    def start(self) -> "WebServer":
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "auction.asgi:application", "--host", "127.0.0.1", "--port", str(self.port),
                 "--ws-per-message-deflate", "false"],  # as deploy/supervisord.conf
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )
        eventually(self._up, timeout_s=60, what=f"the web server; see {self.log_path}", interval_s=0.2)
        return self

    def _up(self) -> bool:
        if self.proc.poll() is not None:
            raise RuntimeError(f"the web server exited with {self.proc.returncode}; see {self.log_path}")
        try:
            urllib.request.urlopen(f"{self.url}/healthz", timeout=5)
        except urllib.error.HTTPError:  # it answers: up, whatever it says of the processors
            return True
        except OSError:
            return False
        return True

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def group_at_log_end(name: str, env: dict[str, str]) -> None:
    """Commit the processor's consumer group at the end of its inputs before it first joins.

    The live processor starts at the end anyway (its sink says so once partitions are assigned),
    but a new group's first fetch would still read and parse megabytes from the start of the shared
    log before that."""
    from kafka import KafkaConsumer
    from kafka.structs import OffsetAndMetadata, TopicPartition

    from auction.processors import processor_named
    from streams.runtime.run import isolated

    processor = isolated(processor_named(name), env["STREAMS_NAME_SUFFIX"])
    consumer = KafkaConsumer(bootstrap_servers=env["KAFKA_BOOTSTRAP_SERVERS"], group_id=processor.name, enable_auto_commit=False)
    try:
        ends = consumer.end_offsets(
            [TopicPartition(topic, n) for topic in processor.inputs for n in consumer.partitions_for_topic(topic)]
        )
        consumer.commit({tp: OffsetAndMetadata(offset, "", -1) for tp, offset in ends.items()})
    finally:
        consumer.close()
