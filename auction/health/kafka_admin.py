"""One long-lived Kafka admin client per process and address, shared by /healthz's probe and the ops page.

Both ask Kafka every few seconds; a client per question would open (and leave half-closed)
connections to every broker each time. So the client is made on first use, kept, and shared
(`auction.health.checks.KafkaProbe`, `auction.ops.broker.Broker`):

- callers take turns (kafka-python clients are not meant for concurrent callers): a lock, waited
  for at most `wait_s`, after which the caller gets `AdminBusy` instead of queueing behind a
  broker that does not answer;
- a client that raised is closed and dropped, so the next caller makes a new one (a broker
  restarted, a connection gone bad): it is rebuilt, never left broken;
- an error Kafka calls retriable (a partition's leader moved or not yet elected: a broker failed
  over, a topic just made) is asked once more of a new client, whose metadata is fresh, after
  `RETRY_AFTER_S`, before it reaches the caller;
- it is used from worker threads only (Django runs sync views in threads, health probes run on
  their pool), never on an event loop, which a blocking Kafka call would stall.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from kafka import KafkaAdminClient
from kafka.errors import KafkaError

from streams import kafka_clients

REQUEST_TIMEOUT_MS = 3000
BOOTSTRAP_TIMEOUT_MS = 2000
WAIT_S = 2.0
"""How long a caller waits for the client another caller is using."""
RETRY_AFTER_S = 0.25
T = TypeVar("T")


class AdminBusy(KafkaError):
    """The shared client stayed in use by another caller for longer than this caller would wait."""


def _admin_client(bootstrap_servers: str) -> KafkaAdminClient:
    return kafka_clients.admin(
        bootstrap_servers,
        security=settings.KAFKA_SECURITY,
        client_id="auction-web",
        request_timeout_ms=REQUEST_TIMEOUT_MS,
        bootstrap_timeout_ms=BOOTSTRAP_TIMEOUT_MS,
    )


class _Slot:
    """The client of one address, and the turn to use it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.client: KafkaAdminClient | None = None


class SharedAdmin:
    """Admin clients made lazily, one per bootstrap address, used by one caller at a time, rebuilt after an error."""

    def __init__(self, factory: Callable[[str], KafkaAdminClient] = _admin_client) -> None:
        self._factory = factory
        self._slots: dict[str, _Slot] = {}
        self._slots_lock = threading.Lock()
        self.made = 0
        """Clients made so far (a new one after each failure): what shows that they are kept."""

    def _slot(self, bootstrap_servers: str) -> _Slot:
        with self._slots_lock:
            return self._slots.setdefault(bootstrap_servers, _Slot())

    def call(self, bootstrap_servers: str, action: Callable[[KafkaAdminClient], T], *, wait_s: float = WAIT_S) -> T:
        """`action(client)` with the shared client of that address, made if there is none; any error
        it raises drops the client (closed) and goes to the caller, a retriable one after one more try."""
        slot = self._slot(bootstrap_servers)
        if not slot.lock.acquire(timeout=wait_s):
            raise AdminBusy(f"the Kafka admin client was in use for more than {wait_s:g} s")
        try:
            try:
                return self._ask(slot, bootstrap_servers, action)
            except KafkaError as error:
                if not error.retriable:
                    raise
            time.sleep(RETRY_AFTER_S)
            return self._ask(slot, bootstrap_servers, action)
        finally:
            slot.lock.release()

    def _ask(self, slot: _Slot, bootstrap_servers: str, action: Callable[[KafkaAdminClient], T]) -> T:
        try:
            if slot.client is None:
                slot.client = self._factory(bootstrap_servers)
                self.made += 1
            return action(slot.client)
        except BaseException:
            _close(slot)
            raise

    def client_of(self, bootstrap_servers: str) -> KafkaAdminClient | None:
        """The client kept for that address right now, if any (for tests and diagnostics)."""
        return self._slot(bootstrap_servers).client

    def close(self) -> None:
        """Close every client (at shutdown, or to start afresh)."""
        with self._slots_lock:
            slots = list(self._slots.values())
        for slot in slots:
            with slot.lock:
                _close(slot)


def _close(slot: _Slot) -> None:
    client, slot.client = slot.client, None
    if client is not None:
        try:
            client.close()
        except Exception:
            pass  # it is being thrown away


ADMIN = SharedAdmin()
"""The process's shared admin clients."""
