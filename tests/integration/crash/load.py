"""Steady auction traffic onto a test's private topics, from a background thread, until told to stop.

Items are listed every couple of seconds and last 5 to 10 seconds, so auctions keep ending while
processors are killed: some sell, some miss their reserve, some get no bid, one is bought now, one
is cancelled, and half have a short soft close (a bid in the last two seconds extends them, at most
three seconds). Bids (a third with a proxy maximum) come at a steady rate on the open items, each
around the highest amount offered so far, so they race and many lose; a few come after the end.
Events are produced the way the web tier publishes them (idempotent producer, acks=all), with
`placed_at` the moment they are sent. Item ids are drawn up front, so listeners can subscribe
before anything is published.
"""
from __future__ import annotations

import random
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from kafka import KafkaProducer

from streams.events import AuctionCancelled, BidPlaced, BuyNowRequested, Event, ItemListed, encode
from streams.money import Money
from streams.topics import topic_for
from tests.integration.coreflow.private_topics import private

BIDS_PER_SECOND = 80
LIST_EVERY_S = 2.0
FIRST_LISTINGS = 4
DURATIONS_S = (5.0, 10.0)
EXTENSION_WINDOW_S, EXTENSION_CAP_S = 2, 3
MAX_LOTS = 60
PROBE_DURATION = timedelta(minutes=10)


@dataclass
class Lot:
    item_id: str
    seller: object
    index: int
    listed_at: float | None = None
    """monotonic time of its listing; None while not listed."""
    ends_at: float = 0.0
    """monotonic time of its (original) end."""
    offered: int = 10_00
    finished: bool = False
    """cancelled or bought: no more bids go to it."""

    @property
    def bids_wanted(self) -> bool:
        return self.index % 7 != 3  # every seventh item gets no bids at all

    @property
    def reserve(self) -> int | None:
        return {1: 30_00, 2: 100_000_00}.get(self.index % 5)  # one met sooner or later, one never

    @property
    def buy_now(self) -> int | None:
        return 500_000_00 if self.index % 9 == 4 else None  # above either reserve, which the engine requires

    @property
    def buy_now_wanted(self) -> bool:
        return self.index == 4  # bought before anyone bids: a first bid takes Buy It Now away

    @property
    def cancel_wanted(self) -> bool:
        return self.index == 6


@dataclass
class Published:
    bids: dict[str, float] = field(default_factory=dict)
    """bid id → monotonic time it was handed to the producer."""
    listed: list[str] = field(default_factory=list)
    """item ids, in listing order."""
    events: int = 0


class Load(threading.Thread):
    def __init__(self, bootstrap: str, prefix: str, sellers: list, bidders: list, seed: int) -> None:
        super().__init__(name="crash-load", daemon=True)
        self.prefix, self.sellers, self.bidders = prefix, sellers, bidders
        self.rng = random.Random(seed)
        self.lots = [Lot(str(uuid.UUID(int=self.rng.getrandbits(128), version=4)), sellers[n % len(sellers)], n)
                     for n in range(MAX_LOTS)]
        self.probe_item_id = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        self.published = Published()
        self.stop_event = threading.Event()
        self.stopped_at: float | None = None
        self.error: BaseException | None = None
        self.producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True, linger_ms=5)

    @property
    def item_ids(self) -> list[str]:
        return [lot.item_id for lot in self.lots]

    # -- producing ------------------------------------------------------------------------

    def send(self, event: Event) -> None:
        record = encode(event, source="/tests/crash")
        self.producer.send(private(self.prefix, topic_for(type(event)).name), key=record.key, value=record.value,
                           headers=record.headers)
        self.published.events += 1

    def list_probe(self) -> str:
        """An item no load bid touches, open for ten minutes: pushes about it can only be about the probe's bids."""
        now = datetime.now(timezone.utc)
        self.send(self._listing(self.probe_item_id, self.sellers[0], now, now + PROBE_DURATION, title="Probe"))
        self.producer.flush()
        return self.probe_item_id

    def bid_on_probe(self, bidder, amount: int) -> str:
        bid_id = str(uuid.uuid4())
        self.send(BidPlaced(bid_id=bid_id, item_id=self.probe_item_id, bidder_id=bidder.pk, bidder_name=bidder.username,
                            amount=Money(minor=amount, currency="EUR"), placed_at=datetime.now(timezone.utc)))
        self.producer.flush()
        return bid_id

    def _listing(self, item_id: str, seller, starts: datetime, ends: datetime, *, title: str, window: int = 0,
                 reserve: int | None = None, buy_now: int | None = None) -> ItemListed:
        return ItemListed(
            item_id=item_id, seller_id=seller.pk, seller_name=seller.username, title=title, description="Crash test lot.",
            category="collectibles", image_urls=("/media/items/lamp.jpg",), location="Lyon",
            starting_price=Money(minor=10_00, currency="EUR"),
            reserve_price=None if reserve is None else Money(minor=reserve, currency="EUR"),
            buy_now_price=None if buy_now is None else Money(minor=buy_now, currency="EUR"),
            starts_at=starts - timedelta(seconds=1), ends_at=ends,
            extension_window_seconds=window, extension_cap_seconds=EXTENSION_CAP_S if window else 0,
        )

    def _list(self, lot: Lot) -> None:
        duration = self.rng.uniform(*DURATIONS_S)
        now = datetime.now(timezone.utc)
        lot.listed_at = time.monotonic()
        lot.ends_at = lot.listed_at + duration
        window = EXTENSION_WINDOW_S if lot.index % 2 else 0
        self.send(self._listing(lot.item_id, lot.seller, now, now + timedelta(seconds=duration), title=f"Lot {lot.index}",
                                window=window, reserve=lot.reserve, buy_now=lot.buy_now))
        self.published.listed.append(lot.item_id)

    def _bid(self, lot: Lot) -> None:
        rng, bidder = self.rng, self.rng.choice(self.bidders)
        amount = max(10_00, lot.offered + rng.choice((-100, 0, 250, 500, 1000)))
        lot.offered = max(lot.offered, amount)
        bid_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        max_amount = Money(minor=amount + rng.choice((100, 250, 500)), currency="EUR") if rng.random() < 1 / 3 else None
        self.send(BidPlaced(bid_id=bid_id, item_id=lot.item_id, bidder_id=bidder.pk, bidder_name=bidder.username,
                            amount=Money(minor=amount, currency="EUR"), max_amount=max_amount,
                            placed_at=datetime.now(timezone.utc)))
        self.published.bids[bid_id] = time.monotonic()

    def _extras(self, lot: Lot, now: float) -> None:
        """The one buy-now and the one cancellation, a few seconds into their auctions."""
        if lot.finished or now < lot.listed_at + 2.5 or now > lot.ends_at - 1:
            return
        if lot.buy_now_wanted:
            buyer = self.rng.choice(self.bidders)
            self.send(BuyNowRequested(request_id=str(uuid.uuid4()), item_id=lot.item_id, buyer_id=buyer.pk,
                                      buyer_name=buyer.username, requested_at=datetime.now(timezone.utc)))
            lot.finished = True
        elif lot.cancel_wanted:
            self.send(AuctionCancelled(item_id=lot.item_id, reason="Withdrawn by the crash test"))
            lot.finished = True

    # -- the thread -----------------------------------------------------------------------

    def run(self) -> None:
        try:
            self._run()
        except BaseException as error:  # surfaced by `finish`
            self.error = error
        finally:
            self.stopped_at = time.monotonic()

    def _run(self) -> None:
        started = time.monotonic()
        next_listing, listed, next_bid = started, 0, started
        while not self.stop_event.is_set():
            now = time.monotonic()
            while now >= next_listing and listed < len(self.lots):
                self._list(self.lots[listed])
                listed += 1
                next_listing = started + LIST_EVERY_S * max(0, listed - FIRST_LISTINGS + 1)
            # open lots, and for half a second after its end a lot still draws a late bid now and then
            live = [lot for lot in self.lots[:listed] if lot.ends_at - 0.2 > now or lot.ends_at + 0.5 > now > lot.ends_at]
            for lot in live:
                self._extras(lot, now)
            biddable = [lot for lot in live if lot.bids_wanted and not lot.finished and not lot.buy_now_wanted]
            if biddable:
                self._bid(self.rng.choice(biddable))
            next_bid = max(next_bid + 1 / BIDS_PER_SECOND, now - 0.5)  # steady; no burst after a stall
            if next_bid > now:
                time.sleep(next_bid - now)
        self.producer.flush()

    def finish(self) -> None:
        """Stop listing and bidding; raises what went wrong in the thread."""
        self.stop_event.set()
        self.join(timeout=60)
        if self.error is not None:
            raise self.error

    def close(self) -> None:
        self.producer.close()

    def due_lots(self) -> list[Lot]:
        return [lot for lot in self.lots if lot.listed_at is not None]
