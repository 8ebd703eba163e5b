"""Reads about accounts: the API tokens a person holds, and who is suspended.

Where a person stands in their auctions (the account page) is `auction.bidding.selectors.account_overview`.
"""
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from auction.accounts.models import ApiToken, Suspension, password_stamp


def live_tokens(*, user: AbstractBaseUser) -> QuerySet[ApiToken]:
    """`user`'s API tokens that still work (not expired, issued under the current password), newest first."""
    return ApiToken.objects.filter(
        user_id=user.pk, expires_at__gt=timezone.now(), password_stamp=password_stamp(user.password)
    ).order_by("-created_at", "-pk")


NOT_SUSPENDED_MARK = "_read_not_suspended"
"""Set on a user object read together with the fact that it was not suspended (`is_suspended_now`), in this request."""


def active_suspension(*, user_id: int) -> Suspension | None:
    return Suspension.objects.filter(user_id=user_id, lifted_at__isnull=True).first()


def is_suspended_now(user_id_field: str) -> Exists:
    """An annotation: whether the person in `user_id_field` is suspended right now, read in the same query."""
    return Exists(Suspension.objects.filter(user_id=OuterRef(user_id_field), lifted_at__isnull=True))


def known_not_suspended(user: AbstractBaseUser) -> bool:
    """True when `user` was read, in this request, along with the fact that no suspension held it."""
    return getattr(user, NOT_SUSPENDED_MARK, False) is True


def suspensions_of(*, user_id: int) -> QuerySet[Suspension]:
    return Suspension.objects.filter(user_id=user_id).select_related("suspended_by", "lifted_by")


def suspended_user_ids() -> QuerySet:
    """A subquery of the people suspended right now."""
    return Suspension.objects.filter(lifted_at__isnull=True).values("user_id")
