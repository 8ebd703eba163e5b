"""Reads about accounts: who a token belongs to, and who is suspended.

Where a person stands in their auctions (the account page) is `auction.bidding.selectors.account_overview`.
"""
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from auction.accounts.models import ApiToken, Suspension, hash_token


def user_for_token(*, raw: str) -> AbstractBaseUser | None:
    token = ApiToken.objects.select_related("user").filter(digest=hash_token(raw), user__is_active=True).first()
    return None if token is None else token.user


def active_suspension(*, user_id: int) -> Suspension | None:
    return Suspension.objects.filter(user_id=user_id, lifted_at__isnull=True).first()


def suspensions_of(*, user_id: int) -> QuerySet[Suspension]:
    return Suspension.objects.filter(user_id=user_id).select_related("suspended_by", "lifted_by")


def suspended_user_ids() -> QuerySet:
    """A subquery of the people suspended right now."""
    return Suspension.objects.filter(lifted_at__isnull=True).values("user_id")
