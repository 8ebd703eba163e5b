"""Writes people and staff make: watching items, choosing emails, unsubscribing, retrying a failed email."""
import uuid

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from auction.notifications.kinds import Kind
from auction.notifications.models import Notification, Preference, Watch
from auction.notifications.tasks import enqueue_on_commit
from auction.notifications.tokens import BadToken, unsubscribe_claim


def watch_toggle(*, user: AbstractBaseUser, item_id: uuid.UUID) -> bool:
    """Start or stop watching an item; returns whether the person watches it now."""
    removed, _ = Watch.objects.filter(user=user, item_id=item_id).delete()
    if removed:
        return False
    Watch.objects.get_or_create(user=user, item_id=item_id)
    return True


def preferences_update(*, user_id: int, outbid: bool, ending_soon: bool) -> Preference:
    preference, _ = Preference.objects.update_or_create(
        user_id=user_id, defaults={"outbid": outbid, "ending_soon": ending_soon}
    )
    return preference


def unsubscribe(*, token: str) -> tuple[int, Kind]:
    """Turn off the kind of email the signed token names, for the person it names; raises `BadToken`."""
    user_id, kind = unsubscribe_claim(token)
    if not get_user_model().objects.filter(pk=user_id).exists():
        raise BadToken(f"account {user_id} no longer exists")
    Preference.objects.update_or_create(user_id=user_id, defaults={kind.value: False})
    return user_id, kind


def notification_retry(*, notification_id: int) -> bool:
    """Staff send a failed email again, with a fresh set of attempts; False when it had not failed."""
    with transaction.atomic():
        updated = Notification.objects.filter(pk=notification_id, status=Notification.Status.FAILED).update(
            status=Notification.Status.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
        if updated:
            enqueue_on_commit([notification_id])
    return bool(updated)
