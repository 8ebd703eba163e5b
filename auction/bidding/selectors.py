"""Reads of the bid read model, of the item as a bidder waits on it, and of where a person stands in their auctions."""
import uuid
from dataclasses import dataclass

from django.db.models import Max, QuerySet

from auction.bidding.attempts import bid_attempt_id
from auction.bidding.models import Bid
from auction.catalog.models import Item
from auction.idempotency import AttemptConflict
from streams.events import Outcome
from streams.money import Money

HISTORY_SHOWN = 50
"""How many of the newest accepted bids an item page shows (and its live snapshot)."""


def bid_get(*, bid_id: uuid.UUID) -> Bid | None:
    return Bid.objects.filter(pk=bid_id).first()


class BidAttemptConflict(AttemptConflict):
    """The attempt key named a bid of another amount: `earlier`, as the bidder sent it."""

    def __init__(self, earlier: Money) -> None:
        super().__init__(
            f"This Idempotency-Key was used for a bid of {earlier.format()} {earlier.currency}; use a new key for a new bid."
        )
        self.earlier = earlier


@dataclass(frozen=True)
class BidAttempt:
    bid_id: uuid.UUID | None
    """The id the attempt key names; None without a key (the bid gets a new random id)."""
    decided: Bid | None
    """The decision on this attempt sent before, once projected: the answer to give again."""


def bid_attempt_get(*, bidder_id: int, item_id: uuid.UUID, key: str | None, amount: Money) -> BidAttempt:
    """A bid attempt as the API and the item page both see it: its id, and its decision if it was sent before.

    Raises `BidAttemptConflict` when the key was used for a bid of another amount."""
    if key is None:
        return BidAttempt(bid_id=None, decided=None)
    bid_id = bid_attempt_id(bidder_id=bidder_id, item_id=item_id, key=key)
    decided = bid_get(bid_id=bid_id)
    if decided is not None and decided.amount != amount.minor:
        raise BidAttemptConflict(Money(minor=decided.amount, currency=decided.currency))
    return BidAttempt(bid_id=bid_id, decided=decided)


def bid_history(*, item_id: uuid.UUID) -> QuerySet[Bid]:
    """Accepted bids on an item, newest first: the public history (rejections are the bidder's own business)."""
    return Bid.objects.filter(item_id=item_id, status=Bid.Status.ACCEPTED).order_by("-decided_at", "-seq")


def price_path(*, item_id: uuid.UUID, latest: int) -> list[dict]:
    """The item's price after each of its latest accepted bids, oldest first (`decided_at`, `price`
    in minor units): the same bids as the history beside it, as soon as the projector has them."""
    bids = bid_history(item_id=item_id).exclude(price_after=None).values("decided_at", "price_after")[:latest]
    return [{"decided_at": row["decided_at"], "price": row["price_after"]} for row in reversed(bids)]


def purchase_decision(*, item_id: uuid.UUID, request_id: uuid.UUID, buyer_id: int) -> Bid | Item | None:
    """The bidding processor's answer to a Buy It Now request, once projected, else None.

    It answers every request: a refusal is a rejected Bid row keyed by the request id; an
    acceptance closes the item as bought now by the buyer. An item closed any other way is
    not the answer yet: the refusal that explains it follows.
    """
    refusal = Bid.objects.filter(pk=request_id, status=Bid.Status.REJECTED).first()
    bought = Item.objects.filter(pk=item_id, status=Item.Status.CLOSED, outcome=Outcome.BOUGHT_NOW, winner_id=buyer_id)
    return refusal or bought.first()


@dataclass(frozen=True)
class BidStanding:
    """An item someone bid on, with the highest amount they bid on it."""

    item: Item
    my_highest: int


@dataclass(frozen=True)
class AccountOverview:
    leading: list[BidStanding]
    outbid: list[BidStanding]
    lost: list[BidStanding]
    won: list[Item]
    """Every item the person won, by bidding or with Buy It Now."""
    listings: list[Item]


def bid_standing(item: Item, user_id: int) -> str:
    """"leading" / "outbid" while the auction runs, "won" / "lost" once it closed."""
    if item.status == Item.Status.CLOSED:
        return "won" if item.winner_id == user_id else "lost"
    return "leading" if item.leader_id == user_id else "outbid"


def account_overview(*, user_id: int) -> AccountOverview:
    highest = dict(
        Bid.objects.filter(bidder_id=user_id, status=Bid.Status.ACCEPTED)
        .values("item_id")
        .annotate(highest=Max("amount"))
        .values_list("item_id", "highest")
    )
    groups: dict[str, list[BidStanding]] = {"leading": [], "outbid": [], "won": [], "lost": []}
    for item in Item.objects.filter(pk__in=highest).order_by("ends_at"):
        groups[bid_standing(item, user_id)].append(BidStanding(item=item, my_highest=highest[item.pk]))
    return AccountOverview(
        leading=groups["leading"],
        outbid=groups["outbid"],
        lost=groups["lost"],
        won=list(Item.objects.filter(winner_id=user_id).order_by("-closed_at")),
        listings=list(Item.objects.filter(seller_id=user_id).order_by("-starts_at")),
    )
