"""Unsubscribe links that work without logging in: the link carries a signed (user, kind) claim.

Signed with the site's secret key, so nobody can make one for another person or another kind
of email; it does not expire, because an unsubscribe link in an old email must still work.
"""
from django.core import signing

from auction.notifications.kinds import OPTIONAL, Kind

SALT = "auction.notifications.unsubscribe"


class BadToken(Exception):
    """The link was altered, forged or is not an unsubscribe link."""


def unsubscribe_token(*, user_id: int, kind: Kind) -> str:
    if kind not in OPTIONAL:
        raise ValueError(f"{kind} emails cannot be turned off")
    return signing.dumps([user_id, kind.value], salt=SALT)


def unsubscribe_claim(token: str) -> tuple[int, Kind]:
    """The (user id, kind) a token was made for; raises `BadToken` for anything else."""
    try:
        user_id, kind = signing.loads(token, salt=SALT)
        claim = int(user_id), Kind(kind)
    except (signing.BadSignature, TypeError, ValueError) as error:
        raise BadToken(str(error)) from error
    if claim[1] not in OPTIONAL:
        raise BadToken(f"{kind} emails cannot be turned off")
    return claim
