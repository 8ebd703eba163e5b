"""API tokens: issued, revoked, checked; each one expires, and all die with the password (listing: `selectors.live_tokens`).

Only a token's SHA-256 is stored, so its secret is shown once, when issued, and never again. A
token works for `AUCTION_API_TOKEN_DAYS` days, until its owner revokes it, or until the owner's
password changes, however it changes (the account page, the admin, `manage.py changepassword`):
each token keeps a stamp of the password hash it was issued under, and one whose stamp no longer
matches is refused, and deleted. A person holds at most `AUCTION_API_TOKENS_PER_ACCOUNT` live
tokens; asking for one more is refused (`TokenLimitReached`, 409) until one is revoked or
expires. Refusing, rather than revoking the oldest, never cuts off a script still using it.
"""
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from auction.accounts.models import ApiToken, hash_token, password_stamp
from auction.accounts.selectors import NOT_SUSPENDED_MARK, is_suspended_now
from auction.text import TOKEN_NAME, TextProblem

NOT_VALID = "This token is not valid. Create a new one with POST /api/tokens."
EXPIRED = "This token expired on {when}. Create a new one with POST /api/tokens."
PASSWORD_CHANGED = "This token was revoked when the account's password changed. Create a new one with POST /api/tokens."
LIMIT_REACHED = (
    "You already have {count} live API tokens, the most an account may hold. "
    "Revoke one (DELETE /api/tokens/{{id}}, or on your account page) and try again."
)
NOT_YOURS = "You have no token {id}."
LAST_USED_RESOLUTION = timedelta(minutes=5)
"""`last_used_at` is written at most this often per token: a bid must not cost a write."""


class TokenRefused(Exception):
    """The bearer token cannot be used; the message says why and what to do."""


class TokenLimitReached(Exception):
    def __init__(self, count: int) -> None:
        super().__init__(LIMIT_REACHED.format(count=count))
        self.count = count


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str
    """Send as `Authorization: Bearer <secret>`; never shown again."""


def _dead(*, user_id: int, stamp: str, now) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(Q(expires_at__lte=now) | ~Q(password_stamp=stamp), user_id=user_id)


def token_issue(*, user: AbstractBaseUser, name: str = "") -> IssuedToken:
    """A new token for `user`; the caller sees its secret once, the database keeps only its hash."""
    try:
        name = TOKEN_NAME.clean(name)
    except TextProblem as problem:
        raise ValidationError({"name": str(problem)}) from None
    now = timezone.now()
    with transaction.atomic():
        owner = get_user_model().objects.select_for_update().get(pk=user.pk)  # one issue at a time per person
        stamp = password_stamp(owner.password)
        _dead(user_id=owner.pk, stamp=stamp, now=now).delete()
        live = ApiToken.objects.filter(user_id=owner.pk).count()
        if live >= settings.AUCTION_API_TOKENS_PER_ACCOUNT:
            raise TokenLimitReached(live)
        raw = ApiToken.new_raw()
        token = ApiToken.objects.create(
            user=owner,
            name=name,
            digest=hash_token(raw),
            password_stamp=stamp,
            expires_at=now + timedelta(days=settings.AUCTION_API_TOKEN_DAYS),
        )
    return IssuedToken(token=token, secret=raw)


def token_revoke(*, user: AbstractBaseUser, token_id: int) -> None:
    """Revoke one of `user`'s own tokens; `ValidationError` if they have no such token."""
    deleted, _ = ApiToken.objects.filter(user_id=user.pk, pk=token_id).delete()
    if not deleted:
        raise ValidationError(NOT_YOURS.format(id=token_id), code="not_found")


def token_authenticate(*, raw: str) -> ApiToken:
    """The live token whose secret is `raw` (its `user` loaded), or `TokenRefused` saying why not."""
    token = (
        ApiToken.objects.select_related("user")
        .annotate(user_suspended=is_suspended_now("user_id"))  # one query: the bid's suspension check needs no other
        .filter(digest=hash_token(raw))
        .first()
    )
    if token is None or not token.user.is_active:
        raise TokenRefused(NOT_VALID)
    if not token.user_suspended:
        setattr(token.user, NOT_SUSPENDED_MARK, True)
    now = timezone.now()
    if token.password_stamp != password_stamp(token.user.password):
        token.delete()
        raise TokenRefused(PASSWORD_CHANGED)
    if token.expires_at <= now:
        raise TokenRefused(EXPIRED.format(when=f"{token.expires_at:%Y-%m-%d %H:%M} UTC"))
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
