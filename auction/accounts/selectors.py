"""Reads about accounts: the API tokens a person holds, and who is suspended.

Where a person stands in their auctions (the account page) is `auction.bidding.selectors.account_overview`.
"""
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.utils import timezone

from auction.accounts.models import ApiToken, Suspension, password_stamp


def live_tokens(*, user: AbstractBaseUser) -> QuerySet[ApiToken]:
    """`user`'s API tokens that still work (not expired, issued under the current password), newest first."""
    return ApiToken.objects.filter(
        user_id=user.pk, expires_at__gt=timezone.now(), password_stamp=password_stamp(user.password)
    ).order_by("-created_at", "-pk")


def active_suspension(*, user_id: int) -> Suspension | None:
    return Suspension.objects.filter(user_id=user_id, lifted_at__isnull=True).first()


def suspensions_of(*, user_id: int) -> QuerySet[Suspension]:
    return Suspension.objects.filter(user_id=user_id).select_related("suspended_by", "lifted_by")


def suspended_user_ids() -> QuerySet:
    """A subquery of the people suspended right now."""
    return Suspension.objects.filter(lifted_at__isnull=True).values("user_id")
