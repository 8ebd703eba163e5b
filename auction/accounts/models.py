"""Accounts are Django's users; API clients authenticate with a bearer token; staff may suspend a person."""
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def password_stamp(password_hash: str) -> str:
    """What a token remembers of its owner's password: a digest of the stored hash (nothing more than
    the users table holds), which changes whenever the password does."""
    return hashlib.sha256(password_hash.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token; only its hash is stored, so a leaked database leaks no usable token.

    It works until `expires_at`, until revoked (the row is deleted), or until its owner's password
    changes (`password_stamp` no longer matches): see `auction.accounts.tokens`.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True, default="")
    digest = models.CharField(max_length=64, unique=True)
    password_stamp = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    @staticmethod
    def new_raw() -> str:
        return secrets.token_urlsafe(32)


class Suspension(models.Model):
    """A person barred from bidding and listing, until a staff member lifts it; lifted ones stay as history."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="suspensions")
    reason = models.TextField()
    suspended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    suspended_at = models.DateTimeField(auto_now_add=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.TextField(blank=True)

    class Meta:
        db_table = "staff_suspension"  # kept from when staff owned it
        ordering = ["-suspended_at"]
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=Q(lifted_at__isnull=True), name="one_active_suspension")
        ]
