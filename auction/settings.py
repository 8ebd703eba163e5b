"""Settings, read from the environment with local defaults (the demo profile's ports).

`DATABASE_URL`, `REDIS_URL` and `KAFKA_BOOTSTRAP_SERVERS` point the platform at its servers; the
defaults match `python -m deploy.stack up --profile demo`. The Kafka address is read by
`streams.kafka_clients`, the one source the stream processors read it from too. `DEBUG` is off
unless `DJANGO_DEBUG=1`.
"""
import os
from pathlib import Path

import dj_database_url
from django.core.management.utils import get_random_secret_key

from streams import kafka_clients

BASE_DIR = Path(__file__).resolve().parent.parent


def _flag(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """The secret from the environment, else one generated once and kept in the state folder."""
    if key := os.environ.get("DJANGO_SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(get_random_secret_key())
        path.chmod(0o600)
    return path.read_text().strip()


DATA_DIR = Path(os.environ.get("AUCTION_DATA_DIR", BASE_DIR / "var" / "demo"))
DEBUG = _flag("DJANGO_DEBUG")
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
SITE_NAME = os.environ.get("SITE_NAME", "Open Auction")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "daphne",
    "auction.staff.site.StaffAdminConfig",  # django.contrib.admin on a staff-only site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "auction.accounts",
    "auction.catalog",
    "auction.bidding",
    "auction.streaming",
    "auction.projector",
    "auction.health",
    "auction.ops",
    "auction.staff",
    "auction.analytics",
    "auction.notifications",
    "auction.live",
]

MIDDLEWARE = [
    "auction.ops.web_metrics.RequestMetricsMiddleware",  # first, so it times everything below
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "auction.errors.ServiceErrorMiddleware",
]

ROOT_URLCONF = "auction.urls"
ASGI_APPLICATION = "auction.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "frontend" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:15432/auction"))
}
# Under ASGI every request runs its synchronous part in a thread of its own, and each thread
# would open its own connection: a pool bounds a process's connections however many requests
# are waiting (for a bid's decision, say); the rest wait for a free one.
DATABASES["default"]["OPTIONS"] = {
    "pool": {"min_size": 1, "max_size": int(os.environ.get("DATABASE_POOL_SIZE", "10")), "timeout": 30}
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:16379/0")
KAFKA_BOOTSTRAP_SERVERS = kafka_clients.bootstrap_servers()

# Redis pub/sub: live pushes are at most once anyway (decision 10), and each web process holds one
# subscription per group for all its sockets. (The list-based RedisChannelLayer, with redis-py 8,
# loses its receive loop when an idle 5-second BZPOPMIN meets the 5-second socket timeout, hangs
# the shutdown of consumers, and keeps dead sockets in groups for a day.)
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {"hosts": [REDIS_URL]},
    }
}

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 300}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "frontend" / "static"]
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = DATA_DIR / "media"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "1025"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _flag("EMAIL_USE_TLS")
EMAIL_USE_SSL = _flag("EMAIL_USE_SSL")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", f"{SITE_NAME} <noreply@localhost>")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"kafka": {"level": "WARNING"}},
}

# Auction rules that are settings rather than code.
AUCTION_CURRENCY = os.environ.get("AUCTION_CURRENCY", "EUR")
AUCTION_MIN_DURATION_SECONDS = int(os.environ.get("AUCTION_MIN_DURATION_SECONDS", "60"))
AUCTION_EXTENSION_WINDOW_SECONDS = int(os.environ.get("AUCTION_EXTENSION_WINDOW_SECONDS", "120"))
AUCTION_EXTENSION_CAP_SECONDS = int(os.environ.get("AUCTION_EXTENSION_CAP_SECONDS", "1800"))
AUCTION_BIDS_PER_SECOND = int(os.environ.get("AUCTION_BIDS_PER_SECOND", "5"))
AUCTION_READ_YOUR_WRITES_SECONDS = float(os.environ.get("AUCTION_READ_YOUR_WRITES_SECONDS", "2"))

# Notifications (auction.notifications): who hears what, and how hard delivery tries.
NOTIFY_OUTBID_THROTTLE_SECONDS = int(os.environ.get("NOTIFY_OUTBID_THROTTLE_SECONDS", "600"))
NOTIFY_ENDING_SOON_SECONDS = int(os.environ.get("NOTIFY_ENDING_SOON_SECONDS", "3600"))
NOTIFY_MAX_ATTEMPTS = int(os.environ.get("NOTIFY_MAX_ATTEMPTS", "8"))
NOTIFY_RETRY_BASE_SECONDS = float(os.environ.get("NOTIFY_RETRY_BASE_SECONDS", "30"))
NOTIFY_RETRY_MAX_SECONDS = float(os.environ.get("NOTIFY_RETRY_MAX_SECONDS", "3600"))
NOTIFY_SWEEP_SECONDS = float(os.environ.get("NOTIFY_SWEEP_SECONDS", "30"))
NOTIFY_STALE_SECONDS = float(os.environ.get("NOTIFY_STALE_SECONDS", "120"))
NOTIFY_QUEUE = os.environ.get("NOTIFY_QUEUE", "celery")
NOTIFY_BATCH_SIZE = int(os.environ.get("NOTIFY_BATCH_SIZE", "50"))
CELERY_BEAT_SCHEDULE = {
    "notifications-resend-stalled": {
        "task": "auction.notifications.tasks.resend_stalled",
        "schedule": NOTIFY_SWEEP_SECONDS,
        "options": {"queue": NOTIFY_QUEUE},
    },
    "notifications-remind-ending-soon": {
        "task": "auction.notifications.tasks.remind_ending_soon",
        "schedule": NOTIFY_SWEEP_SECONDS,
        "options": {"queue": NOTIFY_QUEUE},
    },
}


def _pairs(name: str, default: str) -> dict[str, str]:
    """`NAME=a=1,b=2` from the environment as {"a": "1", "b": "2"}."""
    return dict(pair.split("=", 1) for pair in os.environ.get(name, default).split(",") if "=" in pair)


# Operations (auction.ops): when a consumer's lag turns red, and where each processor serves its metrics.
OPS_REFRESH_SECONDS = int(os.environ.get("OPS_REFRESH_SECONDS", "5"))
OPS_LAG_THRESHOLD_DEFAULT = int(os.environ.get("OPS_LAG_THRESHOLD_DEFAULT", "1000"))
OPS_LAG_THRESHOLDS = {
    name: int(limit) for name, limit in _pairs("OPS_LAG_THRESHOLDS", "bidding=100,projector=500").items()
}
# Each processor's instances, `name=url|url,…`: their Prometheus endpoints; /healthz and the ops page
# read each instance's /status next to it (see docs/operations.md). Empty: no processor is watched.
OPS_METRICS_TARGETS = {
    name: tuple(url.strip() for url in urls.split("|") if url.strip())
    for name, urls in _pairs(
        "OPS_METRICS_TARGETS",
        "bidding=http://127.0.0.1:9401/metrics,projector=http://127.0.0.1:9402/metrics,"
        "notifications=http://127.0.0.1:9403/metrics,analytics=http://127.0.0.1:9404/metrics,"
        "live=http://127.0.0.1:9405/metrics,dead-letters=http://127.0.0.1:9407/metrics",
    ).items()
}

# Health (/healthz): the Kafka address its probe uses (empty: KAFKA_BOOTSTRAP_SERVERS), how long one
# processor instance may take to answer, how long a report is reused, and when aborts mean failing.
HEALTH_KAFKA_BOOTSTRAP_SERVERS = os.environ.get("HEALTH_KAFKA_BOOTSTRAP_SERVERS", "")
HEALTH_SCRAPE_TIMEOUT_SECONDS = float(os.environ.get("HEALTH_SCRAPE_TIMEOUT_SECONDS", "1"))
HEALTH_CACHE_SECONDS = float(os.environ.get("HEALTH_CACHE_SECONDS", "1"))
HEALTH_ABORTS_FAILING = int(os.environ.get("HEALTH_ABORTS_FAILING", "3"))

# Analytics (auction.analytics): event-time windows and lateness; see docs/analytics.md.
# Changing a window size needs a rebuild: `manage.py reset_analytics`, then the processor replays.
ANALYTICS_WINDOW_SECONDS = int(os.environ.get("ANALYTICS_WINDOW_SECONDS", "60"))
ANALYTICS_ALLOWED_LATENESS_SECONDS = int(os.environ.get("ANALYTICS_ALLOWED_LATENESS_SECONDS", "30"))
ANALYTICS_HOT_WINDOW_SECONDS = int(os.environ.get("ANALYTICS_HOT_WINDOW_SECONDS", "600"))
ANALYTICS_REFRESH_SECONDS = float(os.environ.get("ANALYTICS_REFRESH_SECONDS", "5"))

# Live updates (auction.live): decisions older than this are not pushed (the live processor fell
# behind); pages resync from snapshots when they notice the gap.
LIVE_STALE_SECONDS = float(os.environ.get("LIVE_STALE_SECONDS", "30"))
