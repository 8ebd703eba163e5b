"""Writes about accounts: creating people and suspending them (API tokens: `auction.accounts.tokens`).

Suspension is not an auction fact, so it is not an event: the web tier refuses a suspended
person's request (`refuse_if_suspended`, called by the catalog and bidding services) before
anything is produced, and bids already in the log stand. Every suspension and reinstatement is
kept with who did it, when and why.
"""
from dataclasses import replace

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from auction.accounts.models import Suspension
from auction.accounts.selectors import active_suspension, known_not_suspended
from auction.text import EMAIL, LIFT_REASON, REASON, USERNAME, TextProblem, TextRule, clean_all

TAKEN = "A user with that username already exists."
SUSPENDED = "Your account is suspended, so you cannot bid or list items ({reason}). Please contact support."
SUSPENSION_REASON = replace(REASON, missing="Say why the account is suspended.")


def user_create(*, username: str, email: str, password: str) -> AbstractBaseUser:
    """Create an account, refusing a taken name, a malformed email or a weak password field by field.

    Django normalizes the name (NFKC) and the email's domain (lower case) when it cleans a user,
    after checking their lengths; they are normalized here first, so the lengths checked are
    those saved.
    """
    texts, text_problems = clean_all(username=(USERNAME, username), email=(EMAIL, email))
    user = get_user_model()(username=texts.get("username", ""), email=texts.get("email", ""))
    problems: dict[str, list[str]] = {name: [problem] for name, problem in text_problems.items()}
    try:
        user.full_clean(exclude=["password", *problems])
    except ValidationError as error:
        problems.update(error.message_dict)
    if not user.email and "email" not in problems:
        problems["email"] = ["Enter an email address."]
    try:
        validate_password(password, user)
    except ValidationError as error:
        problems["password"] = error.messages
    if problems:
        raise ValidationError(problems)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # another request took the name between the check and the insert
        raise ValidationError({"username": [TAKEN]}) from None
    return user


def _reason(rule: TextRule, reason: str) -> str:
    try:
        return rule.clean(reason)
    except TextProblem as problem:
        raise ValidationError({"reason": str(problem)}) from None


def refuse_if_suspended(*, user: AbstractBaseUser) -> None:
    """Raise the clear message a suspended person sees instead of their bid or listing going through.

    A user read with its bearer token in this request comes with the answer (`known_not_suspended`)."""
    if known_not_suspended(user):
        return
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
