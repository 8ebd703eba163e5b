"""Reads about accounts: who a token belongs to, and where a person stands in their auctions."""
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Max

from auction.accounts.models import ApiToken, hash_token
from auction.bidding.models import Bid
from auction.catalog.models import Item


def user_for_token(*, raw: str) -> AbstractBaseUser | None:
    token = ApiToken.objects.select_related("user").filter(digest=hash_token(raw), user__is_active=True).first()
    return None if token is None else token.user


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
