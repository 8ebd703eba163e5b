"""Who is calling: a bearer token, or else the browser session (which must then pass the CSRF check).

A bearer token cannot be sent by another site's page on its own, so it needs no CSRF check;
a session cookie is sent automatically, so unsafe requests riding on it must carry the CSRF token.
"""
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from django.middleware.csrf import CsrfViewMiddleware

from auction.accounts.tokens import TokenRefused, token_authenticate
from auction.api.errors import ApiError

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="api"'}


def _csrf_passes(request: HttpRequest) -> bool:
    check = CsrfViewMiddleware(lambda _: None)
    check.process_request(request)
    return check.process_view(request, None, (), {}) is None


def _bearer_user(request: HttpRequest, header: str) -> AbstractBaseUser:
    scheme, _, raw = header.partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        raise ApiError(401, "Send your token as: Authorization: Bearer <token>.", headers=CHALLENGE)
    try:
        token = token_authenticate(raw=raw.strip())
    except TokenRefused as refused:
        raise ApiError(401, str(refused), headers=CHALLENGE) from None
    request.api_token_id = token.pk  # which of the caller's tokens this is (GET /api/tokens marks it)
    return token.user


def api_user(request: HttpRequest) -> AbstractBaseUser | None:
    """The caller, or None when anonymous; raises ApiError for a bad token or a failed CSRF check."""
    header = request.headers.get("Authorization")
    if header:
        return _bearer_user(request, header)
    if not request.user.is_authenticated:
        return None
    if request.method not in SAFE_METHODS and not _csrf_passes(request):
        raise ApiError(
            403,
            "CSRF check failed: send the X-CSRFToken header with the csrftoken cookie's value, or use a bearer token.",
        )
    return request.user


def require_user(request: HttpRequest) -> AbstractBaseUser:
    user = api_user(request)
    if user is None:
        raise ApiError(401, "Log in or send a bearer token (POST /api/tokens) to do this.", headers=CHALLENGE)
    return user
