"""Django's username-and-password backend, behind the login throttle: every password login of the
site (the login page, the admin's, `POST /api/tokens`) authenticates through here."""
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest

from auction.accounts.throttling import login_attempt_check, login_attempt_succeeded


class ThrottledModelBackend(ModelBackend):
    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs
    ) -> AbstractBaseUser | None:
        """Checked against the throttle before the password is hashed; raises `Throttled` (429) or
        `ThrottleUnavailable` (503), which `auction.errors` answers."""
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        address = None if request is None else request.META.get("REMOTE_ADDR")
        attempt = login_attempt_check(username=str(username), address=address)
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None:
            login_attempt_succeeded(attempt=attempt)
        return user
