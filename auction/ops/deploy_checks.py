"""`manage.py check --deploy`: what would break once the site runs on more than one host.

Every web process must sign sessions and CSRF tokens with the same key. Without `DJANGO_SECRET_KEY`
the settings make one and keep it in the host's state folder (`AUCTION_DATA_DIR/secret_key`): fine
for one host, but a second host makes another, and each refuses what the other signed.
"""
from django.conf import settings
from django.core.checks import Tags, Warning, register

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
