"""`manage.py check --deploy`: what would break once the site runs on more than one host.

Every web process must sign sessions and CSRF tokens with the same key. Without `DJANGO_SECRET_KEY`
the settings make one and keep it in the host's state folder (`AUCTION_DATA_DIR/secret_key`): fine
for one host, but a second host makes another, and each refuses what the other signed.
"""
from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register
from django.core.checks.security import base, csrf, sessions
from django.test.utils import override_settings
from django.utils.module_loading import import_string

SECRET_KEY_PER_HOST = "auction.W001"


@register(Tags.security, deploy=True)
def secret_key_shared(app_configs, **kwargs) -> list[Warning]:
    if getattr(settings, "SECRET_KEY_FROM_ENVIRONMENT", True):
        return []
    return [Warning(
        "DJANGO_SECRET_KEY is not set: this host made its own secret key (in AUCTION_DATA_DIR).",
        hint="Set DJANGO_SECRET_KEY, the same on every host: web processes on other hosts would refuse "
             "this one's sessions and CSRF tokens (docs/explanation/scaling.md).",
        id=SECRET_KEY_PER_HOST,
    )]


# -- Django's own security checks, seeing through auction.inline_middleware ----------------------
# Django's checks look for its middleware by dotted path, so with the event-loop subclasses of
# `auction.inline_middleware` in MIDDLEWARE they would say the middleware is missing (W001–W003)
# and skip every check that needs it (HSTS, SSL redirect, secure CSRF and session cookies…).
# Those three are silenced in the settings; the checks that depend on the middleware run here
# again with each subclass named as the Django class it is, and a missing one is still reported.

CHECKED_MIDDLEWARE = (
    "django.middleware.security.SecurityMiddleware", "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware", "django.contrib.sessions.middleware.SessionMiddleware",
)

SILENCED_AND_REISSUED = {"security.W001": "auction.W101", "security.W002": "auction.W102", "security.W003": "auction.W103"}
"""Django's "middleware missing" warnings, silenced in the settings, reissued under these ids when really missing."""
MIDDLEWARE_DEPENDENT = (
    base.check_security_middleware, base.check_xframe_options_middleware, base.check_sts,
    base.check_sts_include_subdomains, base.check_sts_preload, base.check_content_type_nosniff,
    base.check_ssl_redirect, base.check_xframe_deny, base.check_referrer_policy,
    base.check_cross_origin_opener_policy, csrf.check_csrf_middleware, csrf.check_csrf_cookie_secure,
    sessions.check_session_cookie_secure, sessions.check_session_cookie_httponly,
)


@register(Tags.security, deploy=True)
def django_security_through_inline_middleware(app_configs, **kwargs) -> list[CheckMessage]:
    as_django = [_as_django(path) for path in settings.MIDDLEWARE]
    with override_settings(MIDDLEWARE=as_django):
        found = [message for check in MIDDLEWARE_DEPENDENT for message in check(app_configs)]
    return [
        CheckMessage(m.level, m.msg, hint=m.hint, obj=m.obj, id=SILENCED_AND_REISSUED[m.id]) if m.id in SILENCED_AND_REISSUED else m
        for m in found
    ]


def _as_django(path: str) -> str:
    """The Django middleware Django's checks look for, when `path` names a subclass of it; else `path`."""
    middleware = import_string(path)
    for django_path in CHECKED_MIDDLEWARE:
        if isinstance(middleware, type) and issubclass(middleware, import_string(django_path)):
            return django_path
    return path
