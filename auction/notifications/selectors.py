"""Reads for notifications: who can be reached, what they chose, what they watch, what went wrong."""
import uuid
from collections.abc import Collection

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser

from auction.catalog.models import Item
from auction.notifications.models import CapturedMail, Notification, Preference, Watch


def reachable_user_ids(*, user_ids: Collection[int]) -> set[int]:
    """Accounts that exist, are active and have an email address."""
    users = get_user_model().objects.filter(pk__in=user_ids, is_active=True).exclude(email="")
    return set(users.values_list("pk", flat=True))


def preferences_of(*, user_ids: Collection[int]) -> dict[int, Preference]:
    """Stored choices by user id; people without a row get every email."""
    return {pref.user_id: pref for pref in Preference.objects.filter(user_id__in=user_ids)}


def preference_for(*, user_id: int) -> Preference:
    return Preference.objects.filter(user_id=user_id).first() or Preference(user_id=user_id)


def recipient_get(*, user_id: int) -> AbstractBaseUser | None:
    """The account an email goes to, if it can still receive one."""
    return get_user_model().objects.filter(pk=user_id, is_active=True).exclude(email="").first()


def recipients_of(*, user_ids: Collection[int]) -> dict[int, AbstractBaseUser]:
    """`recipient_get` for many people in one query: the reachable ones, by id."""
    users = get_user_model().objects.filter(pk__in=user_ids, is_active=True).exclude(email="")
    return {user.pk: user for user in users}


def is_watching(*, user_id: int, item_id: uuid.UUID) -> bool:
    return Watch.objects.filter(user_id=user_id, item_id=item_id).exists()


def watchlist(*, user_id: int) -> list[Item]:
    """Watched items, open ones first, soonest ending first."""
    watched = Watch.objects.filter(user_id=user_id).values("item_id")
    return list(Item.objects.filter(pk__in=watched).order_by("-status", "ends_at"))


def failed_notifications(*, limit: int = 50) -> list[Notification]:
    return list(Notification.objects.filter(status=Notification.Status.FAILED).order_by("-next_attempt_at")[:limit])


def captured_mail_list(*, limit: int = 100) -> list[CapturedMail]:
    return list(CapturedMail.objects.order_by("-received_at", "-pk")[:limit])


def captured_mail_get(*, mail_id: int) -> CapturedMail | None:
    return CapturedMail.objects.filter(pk=mail_id).first()
