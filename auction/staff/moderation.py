"""Suspending people: account state, kept in PostgreSQL and checked where bids and listings are made.

Suspension is not an auction fact, so it is not an event: the web tier refuses a suspended
person's request before anything is produced, and bids already in the log stand. Every
suspension and reinstatement is kept with who did it, when and why.
"""
from dataclasses import replace

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from auction.catalog.text import LIFT_REASON, REASON, TextProblem, TextRule
from auction.staff.models import Suspension
from auction.staff.selectors import active_suspension

SUSPENDED = "Your account is suspended, so you cannot bid or list items ({reason}). Please contact support."
SUSPENSION_REASON = replace(REASON, missing="Say why the account is suspended.")


def _reason(rule: TextRule, reason: str) -> str:
    try:
        return rule.clean(reason)
    except TextProblem as problem:
        raise ValidationError({"reason": str(problem)}) from None


def refuse_if_suspended(*, user: AbstractBaseUser) -> None:
    """Raise the clear message a suspended person sees instead of their bid or listing going through."""
    suspension = active_suspension(user_id=user.pk)
    if suspension is not None:
        raise ValidationError(SUSPENDED.format(reason=suspension.reason))


def user_suspend(*, user: AbstractBaseUser, staff: AbstractBaseUser, reason: str) -> Suspension:
    reason = _reason(SUSPENSION_REASON, reason)
    if user.pk == staff.pk:
        raise ValidationError("You cannot suspend yourself.")
    try:
        with transaction.atomic():
            return Suspension.objects.create(user=user, reason=reason, suspended_by=staff)
    except IntegrityError:  # the partial unique constraint: one active suspension per person
        raise ValidationError(f"{user.get_username()} is already suspended.") from None


def user_reinstate(*, user: AbstractBaseUser, staff: AbstractBaseUser, reason: str) -> Suspension:
    reason = _reason(LIFT_REASON, reason)
    with transaction.atomic():
        suspension = Suspension.objects.select_for_update().filter(user=user, lifted_at__isnull=True).first()
        if suspension is None:
            raise ValidationError(f"{user.get_username()} is not suspended.")
        suspension.lifted_by, suspension.lifted_at, suspension.lift_reason = staff, timezone.now(), reason
        suspension.save(update_fields=["lifted_by", "lifted_at", "lift_reason"])
    return suspension
