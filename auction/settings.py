"""Settings, read from the environment with local defaults (the demo profile's ports).

`DATABASE_URL`, `REDIS_URL` and `KAFKA_BOOTSTRAP_SERVERS` point the platform at its servers; the
defaults match `python -m deploy.stack up --profile demo`. The Kafka address and security
(`KAFKA_SECURITY_PROTOCOL`, `KAFKA_SASL_*`, `KAFKA_SSL_CAFILE`: the site's principal) are read by
`streams.kafka_clients`, the one source the stream processors read them from too. `DEBUG` is off
unless `DJANGO_DEBUG=1`. `DJANGO_SECURE=1` turns on the production transport settings (secure
cookies, HSTS, the HTTPS redirect; docs/operations.md, "Behind a TLS proxy").
"""
import os
from datetime import timedelta
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
    "auction.whatif",
]

MIDDLEWARE = [
    "auction.ops.web_metrics.request_metrics",  # first, so it times everything below
    "auction.proxies.trusted_proxy_middleware",  # the client's address and scheme, before anything reads them
    "django.middleware.security.SecurityMiddleware",
    "servestatic.middleware.ServeStaticMiddleware",  # static files without leaving the event loop
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
# Read once at start, so settings that do not fit together stop the site with a clear message.
KAFKA_SECURITY = kafka_clients.client_security()

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

# Caches: `default` stays per process (Django's own default); `analytics` keeps computed figures on
# Redis, shared by every web process (auction/analytics/figures.py).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "analytics": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": {"socket_timeout": 2, "socket_connect_timeout": 2},
    },
}

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 300}

# Password logins go through the throttle (auction.accounts.throttling) before any hash is computed.
AUTHENTICATION_BACKENDS = ["auction.accounts.backends.ThrottledModelBackend"]

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

# "What if" runs (auction.whatif, docs/whatif.md): a rule change tried on a past range of the log, in a Celery task.
WHATIF_QUEUE = os.environ.get("WHATIF_QUEUE", "celery")
WHATIF_MAX_RANGE = timedelta(days=int(os.environ.get("WHATIF_MAX_RANGE_DAYS", "31")))
WHATIF_MAX_RECORDS = int(os.environ.get("WHATIF_MAX_RECORDS", "500000"))
WHATIF_MAX_SECONDS = int(os.environ.get("WHATIF_MAX_SECONDS", "900"))
WHATIF_TOPIC_PREFIX = os.environ.get("WHATIF_TOPIC_PREFIX", "")
"""Empty: the live topics. Otherwise the run reads `<prefix>.auction.items` and `<prefix>.auction.bids` (tests, a copy)."""

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
# processor instance may take to answer, how long a report is reused, how long the Kafka probe's
# answer is reused, and when aborts mean failing.
HEALTH_KAFKA_BOOTSTRAP_SERVERS = os.environ.get("HEALTH_KAFKA_BOOTSTRAP_SERVERS", "")
HEALTH_SCRAPE_TIMEOUT_SECONDS = float(os.environ.get("HEALTH_SCRAPE_TIMEOUT_SECONDS", "1"))
HEALTH_CACHE_SECONDS = float(os.environ.get("HEALTH_CACHE_SECONDS", "1"))
HEALTH_KAFKA_CACHE_SECONDS = float(os.environ.get("HEALTH_KAFKA_CACHE_SECONDS", "1.5"))
HEALTH_ABORTS_FAILING = int(os.environ.get("HEALTH_ABORTS_FAILING", "3"))

# Analytics (auction.analytics): event-time windows and lateness; see docs/analytics.md.
# Changing a window size needs a rebuild: `manage.py reset_analytics`, then the processor replays.
ANALYTICS_WINDOW_SECONDS = int(os.environ.get("ANALYTICS_WINDOW_SECONDS", "60"))
ANALYTICS_ALLOWED_LATENESS_SECONDS = int(os.environ.get("ANALYTICS_ALLOWED_LATENESS_SECONDS", "30"))
ANALYTICS_HOT_WINDOW_SECONDS = int(os.environ.get("ANALYTICS_HOT_WINDOW_SECONDS", "600"))
ANALYTICS_REFRESH_SECONDS = float(os.environ.get("ANALYTICS_REFRESH_SECONDS", "5"))
# How long computed figures (the page's, its JSON's, each CSV export's) are reused, per filter.
ANALYTICS_CACHE_SECONDS = float(os.environ.get("ANALYTICS_CACHE_SECONDS", "3"))
# Rows of one CSV export at most; a longer table asks for a shorter range instead.
ANALYTICS_CSV_MAX_ROWS = int(os.environ.get("ANALYTICS_CSV_MAX_ROWS", "10000"))

# Live updates (auction.live): decisions older than this are not pushed (the live processor fell
# behind); pages resync from snapshots when they notice the gap.
LIVE_STALE_SECONDS = float(os.environ.get("LIVE_STALE_SECONDS", "30"))

# Request limits: any request body (auction.request_limits, counted as it streams in, chunked or
# not), and JSON bodies (auction.json_input: size and nesting) → 413 or 400 with a message.
# The general limit leaves room for the sell page's photos (8 of at most 5 MB).
AUCTION_MAX_REQUEST_BYTES = int(os.environ.get("AUCTION_MAX_REQUEST_BYTES", str(48 * 1024 * 1024)))
AUCTION_JSON_MAX_BYTES = int(os.environ.get("AUCTION_JSON_MAX_BYTES", str(256 * 1024)))
AUCTION_JSON_MAX_DEPTH = int(os.environ.get("AUCTION_JSON_MAX_DEPTH", "32"))

# Transport security: DJANGO_SECURE=1 on a real host, which serves the site over HTTPS (behind a TLS
# proxy, or uvicorn with a certificate). `manage.py check --deploy` then reports nothing; see
# docs/operations.md, "Behind a TLS proxy".
#
# AUCTION_TRUSTED_PROXIES: addresses or networks of the proxies in front of the site (e.g.
# "127.0.0.1,::1"). Only a request from one of them has its X-Forwarded-For (the client's address:
# login throttling, /metrics' "from this machine") and X-Forwarded-Proto (HTTPS or not) believed;
# from anyone else those headers are dropped (auction.proxies). Empty: none is believed.
AUCTION_TRUSTED_PROXIES = [p.strip() for p in os.environ.get("AUCTION_TRUSTED_PROXIES", "").split(",") if p.strip()]
SECURE = _flag("DJANGO_SECURE")
if SECURE:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _flag("DJANGO_SECURE_SSL_REDIRECT", True)
    # Probes and Prometheus on the host itself speak plain HTTP to the web server.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = _flag("DJANGO_HSTS_PRELOAD", True)
if AUCTION_TRUSTED_PROXIES:  # only a trusted proxy's X-Forwarded-Proto reaches Django (auction.proxies)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Login and sign-up throttling (auction.accounts.throttling), counted in Redis across web processes.
# A password login is refused (429) once its username, or the address it comes from, has had this
# many failures within the window; sign-ups are counted per address. Redis away: refused (503).
AUCTION_LOGIN_FAILURES_PER_USERNAME = int(os.environ.get("AUCTION_LOGIN_FAILURES_PER_USERNAME", "5"))
AUCTION_LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("AUCTION_LOGIN_FAILURES_PER_ADDRESS", "20"))
AUCTION_LOGIN_WINDOW_SECONDS = int(os.environ.get("AUCTION_LOGIN_WINDOW_SECONDS", "900"))
AUCTION_SIGNUPS_PER_ADDRESS = int(os.environ.get("AUCTION_SIGNUPS_PER_ADDRESS", "10"))
AUCTION_SIGNUP_WINDOW_SECONDS = int(os.environ.get("AUCTION_SIGNUP_WINDOW_SECONDS", "3600"))
AUCTION_THROTTLE_PREFIX = os.environ.get("AUCTION_THROTTLE_PREFIX", "throttle")
"""Namespace of the throttle's Redis keys (tests give each test its own)."""

# API tokens (auction.accounts.tokens): how long one lives, and how many live ones a person may hold
# (one more is refused with 409 until one is revoked or expires).
AUCTION_API_TOKEN_DAYS = int(os.environ.get("AUCTION_API_TOKEN_DAYS", "30"))
AUCTION_API_TOKENS_PER_ACCOUNT = int(os.environ.get("AUCTION_API_TOKENS_PER_ACCOUNT", "10"))

# Live sockets open at once from one client address (per web process), and items one socket follows.
LIVE_MAX_CONNECTIONS_PER_ADDRESS = int(os.environ.get("LIVE_MAX_CONNECTIONS_PER_ADDRESS", "50"))
LIVE_MAX_SUBSCRIPTIONS = int(os.environ.get("LIVE_MAX_SUBSCRIPTIONS", "50"))
