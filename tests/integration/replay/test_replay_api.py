"""Replay on the real stack: a generated workload goes through the bidding processor and the projector,
and every auction, replayed from the step index by the engine, is what the live read model shows.

Listings and bids are published as the web tier would (prices and bids from the load generator's
choices, `auction.loadgen.workload`, with proxy maxima, refusals, a Buy It Now, soft-close
extensions and two staff interventions); the session's pipeline decides and projects them.
"""
import random
import uuid
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from urllib.parse import quote

import pytest

from auction.bidding.models import Bid
from auction.catalog.models import Item
from auction.loadgen import workload
from auction.publishing import publish
from streams.events import AuctionEndRequested, AuctionExtensionRequested, BidPlaced
from streams.money import Money
from tests.support.auctions import publish_buy_now, publish_listing
from tests.support.waiting import eventually

pytestmark = pytest.mark.django_db(transaction=True)

ITEMS, BIDS, WINDOW_S = 6, 48, 2
LATER = datetime(2100, 1, 1, tzinfo=timezone.utc)


def _minor(text: str | Decimal | None) -> int | None:
    return None if text is None else int(Decimal(text) * 100)


def _bid(item_id: str, bidder, amount: int, max_amount: int | None) -> None:
    publish(
        BidPlaced(
            bid_id=str(uuid.uuid4()), item_id=item_id, bidder_id=bidder.pk, bidder_name=bidder.username,
            amount=Money(minor=amount), max_amount=None if max_amount is None else Money(minor=max_amount),
            placed_at=datetime.now(timezone.utc),
        )
    )


def _as_of(client, item_id: str, at: datetime | str):
    moment = at if isinstance(at, str) else quote(at.isoformat())
    return client.get(f"/api/items/{item_id}/as-of?at={moment}")


def _workload(seller, staff, bidders) -> tuple[list[str], str]:
    """Publishes the workload; returns the ids of the auctions that close soon, and of one that stays open."""
    rng = random.Random(14)
    closing, minimum = [], {}
    for number in range(ITEMS):
        body = workload.listing(rng, duration_seconds=60)
        starting = _minor(body["starting_price"])
        buy_now = starting * 5 if number == 0 else _minor(body.get("buy_now_price"))
        item_id = publish_listing(
            seller, title=f"Replayed lot {number}", ends_in_s=6 + number, starting=starting,
            reserve=_minor(body.get("reserve_price")), buy_now=buy_now, extension_window_s=WINDOW_S,
        )
        closing.append(item_id)
        minimum[item_id] = starting
    open_item = publish_listing(seller, title="Still running", ends_in_s=3600, starting=5_00, reserve=50_00)
    minimum[open_item] = 5_00
    publish_buy_now(closing[0], bidders[0])  # the first request on it: bought now
    _bid(closing[0], bidders[1], 10_000_00, None)  # refused: it has closed
    _bid(closing[1], seller, 1_000_00, None)  # refused: the seller's own item
    targets = closing[1:] + [open_item]
    for _ in range(BIDS):
        item_id = workload.pick_item(rng, targets, hot_share=0.4)
        choice = workload.bid(rng, Decimal(minimum[item_id]) / 100)
        amount, ceiling = _minor(choice.amount), _minor(choice.max_amount)
        if rng.random() < 0.1:
            amount -= 1  # below the minimum as this generator counts it: refused, or accepted if a proxy moved it less
        _bid(item_id, rng.choice(bidders), amount, ceiling)
        minimum[item_id] = max(minimum[item_id], amount + 50)
    publish(AuctionEndRequested(item_id=closing[2], reason="Ended for the replay test.", acted_by=staff.pk))
    publish(AuctionExtensionRequested(
        item_id=closing[3], ends_at=datetime.now(timezone.utc) + timedelta(seconds=12), reason="Extended for the test.",
        acted_by=staff.pk,
    ))
    return closing, open_item


def test_every_auction_of_a_workload_replays_to_its_live_state(auction_pipeline, client, django_user_model):
    def person(prefix: str):
        return django_user_model.objects.create_user(username=f"{prefix}{uuid.uuid4().hex[:6]}")

    closing, open_item = _workload(person("seller"), person("staff"), [person("bidder") for _ in range(5)])
    eventually(lambda: Item.objects.filter(pk__in=closing, status=Item.Status.CLOSED).count() == len(closing),
               timeout_s=120, what="every auction of the workload closed and projected")
    eventually(lambda: Bid.objects.filter(item_id=open_item).count() >= 1 and _settled(open_item), timeout_s=60,
               what="the open auction's bids decided")

    outcomes = set(Item.objects.filter(pk__in=closing).values_list("outcome", flat=True))
    assert {"bought_now", "sold"} <= outcomes
    for item_id in [*closing, open_item]:
        live = client.get(f"/api/items/{item_id}").json()
        at = LATER if item_id in closing else datetime.now(timezone.utc)
        replayed = _as_of(client, item_id, at)
        assert replayed.status_code == 200, replayed.content
        body = replayed.json()
        assert datetime.fromisoformat(body.pop("as_of")) == at
        assert body == live, f"item {item_id} replayed differs from its read model"
        _each_bid_replays_to_its_decision(client, item_id)
    assert Item.objects.get(pk=open_item).status == Item.Status.OPEN


def _settled(item_id: str) -> bool:
    """Every decision on the item projected: the read model's seq is its last accepted bid's (or an extension after it)."""
    last = Bid.objects.filter(item_id=item_id, status=Bid.Status.ACCEPTED).order_by("-seq").values_list("seq", flat=True).first()
    return last is not None and Item.objects.get(pk=item_id).seq >= last


def _each_bid_replays_to_its_decision(client, item_id: str) -> None:
    """At the moment each accepted bid shows from, the item is as that decision left it (price, count, seq)."""
    timeline = client.get(f"/api/items/{item_id}/timeline").json()
    accepted = list(Bid.objects.filter(item_id=item_id, status=Bid.Status.ACCEPTED).order_by("seq"))
    assert [bid["seq"] for bid in timeline["bids"]] == [bid.seq for bid in accepted]
    assert [_minor(bid["amount"]) for bid in timeline["bids"]] == [bid.amount for bid in accepted]
    assert "max" not in str(timeline) and "reserve_price" not in str(timeline)
    moments = [datetime.fromisoformat(mark["at"]) for mark in timeline["marks"]]
    assert moments == sorted(moments)
    for count, bid in enumerate(accepted, start=1):
        at = datetime.fromisoformat(next(mark["at"] for mark in timeline["marks"] if mark["seq"] == bid.seq))
        if any(datetime.fromisoformat(mark["at"]) == at and mark["seq"] > bid.seq and mark["kind"] != "extension"
               for mark in timeline["marks"]):
            continue  # another change shows at the same instant: the state there is the later one's
        state = _as_of(client, item_id, at).json()
        assert (state["bid_count"], _minor(state["current_price"])) == (count, bid.price_after), state
        assert state["seq"] in (bid.seq, bid.seq + 1)  # + 1: the soft-close extension the bid made


def test_before_the_listing_bad_instants_and_unknown_items_are_refused_in_words(client, django_user_model):
    seller = django_user_model.objects.create_user(username=f"seller{uuid.uuid4().hex[:6]}")
    starts = datetime.now(timezone.utc) - timedelta(hours=1)
    item = Item.objects.create(
        id=uuid.uuid4(), seller_id=seller.pk, seller_name=seller.username, title="Lamp", category="home", currency="EUR",
        starting_price=1_00, starts_at=starts, original_ends_at=starts + timedelta(days=1), ends_at=starts + timedelta(days=1),
    )
    before = _as_of(client, item.pk, starts - timedelta(seconds=1))
    assert before.status_code == 404 and "not listed yet" in before.json()["error"]
    for bad in ("yesterday", "2030-01-01T12:00:00", "1700000000", "2030-13-01T00:00:00Z", ""):
        refused = _as_of(client, item.pk, quote(bad))
        assert refused.status_code == 400, (bad, refused.content)
        assert refused.json()["fields"]["at"], bad
    spaced = _as_of(client, uuid.uuid4(), "2030-01-01T12:00:00 01:00")  # an unencoded "+": read as meant
    assert spaced.status_code == 404 and spaced.json()["error"] == "There is no item with this id."
