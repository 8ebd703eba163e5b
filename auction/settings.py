"""Settings, read from the environment with local defaults (the demo profile's ports).

Every variable, its default, meaning and parser is in `streams.settings_registry` (rendered as
docs/reference/settings.md), which the processor runtime reads too; this module only turns values
into Django's settings.

`DATABASE_URL`, `REDIS_URL` and `KAFKA_BOOTSTRAP_SERVERS` point the platform at its servers; the
defaults match `python -m deploy.stack up --profile demo`. The Kafka address and security
(`KAFKA_SECURITY_PROTOCOL`, `KAFKA_SASL_*`, `KAFKA_SSL_CAFILE`: the site's principal) are read by
`streams.kafka_clients`, the one source the stream processors read them from too. `DEBUG` is off
unless `DJANGO_DEBUG=1`. `DJANGO_SECURE=1` turns on the production transport settings (secure
cookies, HSTS, the HTTPS redirect; docs/how-to/operations.md, "Behind a TLS proxy").
"""
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.management.utils import get_random_secret_key

from streams import kafka_clients
from streams.settings_registry import value as _env

BASE_DIR = Path(__file__).resolve().parent.parent


def _secret_key() -> str:
    """The secret from the environment, else one generated once and kept in the state folder."""
    if key := _env("DJANGO_SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(get_random_secret_key())
        path.chmod(0o600)
    return path.read_text().strip()


DATA_DIR = BASE_DIR / _env("AUCTION_DATA_DIR")  # an absolute path replaces BASE_DIR
DEBUG = _env("DJANGO_DEBUG")
SECRET_KEY = _secret_key()
SECRET_KEY_FROM_ENVIRONMENT = bool(_env("DJANGO_SECRET_KEY"))
"""False: a key of this host's own, which `check --deploy` warns about (auction.ops.deploy_checks)."""
ALLOWED_HOSTS = _env("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = _env("DJANGO_CSRF_TRUSTED_ORIGINS")
SITE_NAME = _env("SITE_NAME")
SITE_URL = _env("SITE_URL")

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
    "auction.replay",
    "auction.whatif",
]

MIDDLEWARE = [
    "auction.ops.web_metrics.request_metrics",  # first, so it times everything below
    "auction.proxies.trusted_proxy_middleware",  # the client's address and scheme, before anything reads them
    # Django's own below, as subclasses that run in the event loop for async views (no thread hop
    # per method) and go to the sync thread only to touch the database or read a form.
    "auction.inline_middleware.SecurityMiddleware",
    "servestatic.middleware.ServeStaticMiddleware",  # static files without leaving the event loop
    "auction.inline_middleware.SessionMiddleware",
    "auction.inline_middleware.CommonMiddleware",
    "auction.inline_middleware.CsrfViewMiddleware",
    "auction.inline_middleware.AuthenticationMiddleware",
    "auction.inline_middleware.MessageMiddleware",
    "auction.inline_middleware.XFrameOptionsMiddleware",
    "auction.errors.ServiceErrorMiddleware",
]
# Django's "middleware missing" checks look for its own dotted paths: auction.ops.deploy_checks runs
# them, and the checks they gate, again with the subclasses above seen as what they are.
SILENCED_SYSTEM_CHECKS = ["security.W001", "security.W002", "security.W003"]

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
    "default": dj_database_url.parse(_env("DATABASE_URL"))
}
# Under ASGI every request runs its synchronous part in a thread of its own, and each thread
# would open its own connection: a pool bounds a process's connections however many requests
# are waiting (for a bid's decision, say); the rest wait for a free one.
DATABASES["default"]["OPTIONS"] = {
    "pool": {"min_size": 1, "max_size": _env("DATABASE_POOL_SIZE"), "timeout": 30}
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = _env("REDIS_URL")
KAFKA_BOOTSTRAP_SERVERS = kafka_clients.bootstrap_servers()
# Read once at start, so settings that do not fit together stop the site with a clear message.
KAFKA_SECURITY = kafka_clients.client_security()

# Redis pub/sub: live pushes are at most once anyway (docs/explanation/live.md), and each web process holds one
# subscription per group for all its sockets. (The list-based RedisChannelLayer, with redis-py 8,
# loses its receive loop when an idle 5-second BZPOPMIN meets the 5-second socket timeout, hangs
# the shutdown of consumers, and keeps dead sockets in groups for a day.)
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {"hosts": [REDIS_URL]},
    }
}

# Caches live on Redis, shared by every web process: a web process keeps nothing between requests
# that another would need (docs/explanation/scaling.md). `analytics` keeps computed figures
# (auction/analytics/figures.py); `default` has no user today, and whatever uses it later is shared.
_REDIS_CACHE = {
    "BACKEND": "django.core.cache.backends.redis.RedisCache",
    "LOCATION": REDIS_URL,
    "OPTIONS": {"socket_timeout": 2, "socket_connect_timeout": 2},
}
CACHES = {
    "default": {**_REDIS_CACHE, "KEY_PREFIX": "cache"},
    "analytics": dict(_REDIS_CACHE),
}

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The worker waits for tasks with a blocking pop on Redis (BRPOP), which answers the moment a task is
# queued; polling_interval is how long one pop waits when none is (1 s by default): a longer wait costs a
# task nothing and an idle worker, and Redis, one wake-up every 5 s instead of every second.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 300, "polling_interval": 5}

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

EMAIL_BACKEND = _env("EMAIL_BACKEND")
EMAIL_HOST = _env("EMAIL_HOST")
EMAIL_PORT = _env("EMAIL_PORT")
EMAIL_HOST_USER = _env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = _env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = _env("EMAIL_USE_TLS")
EMAIL_USE_SSL = _env("EMAIL_USE_SSL")
EMAIL_TIMEOUT = _env("EMAIL_TIMEOUT")
DEFAULT_FROM_EMAIL = _env("DEFAULT_FROM_EMAIL") or f"{SITE_NAME} <noreply@localhost>"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_errors_without_traceback": {"()": "auction.log_filters.ClientErrorsWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["client_errors_without_traceback"]}},
    "root": {"handlers": ["console"], "level": _env("LOG_LEVEL")},
    "loggers": {"kafka": {"level": "WARNING"}},
}

# Auction rules that are settings rather than code.
AUCTION_CURRENCY = _env("AUCTION_CURRENCY")
AUCTION_MIN_DURATION_SECONDS = _env("AUCTION_MIN_DURATION_SECONDS")
AUCTION_EXTENSION_WINDOW_SECONDS = _env("AUCTION_EXTENSION_WINDOW_SECONDS")
AUCTION_EXTENSION_CAP_SECONDS = _env("AUCTION_EXTENSION_CAP_SECONDS")
AUCTION_BIDS_PER_SECOND = _env("AUCTION_BIDS_PER_SECOND")
AUCTION_READ_YOUR_WRITES_SECONDS = _env("AUCTION_READ_YOUR_WRITES_SECONDS")

# Notifications (auction.notifications): who hears what, and how hard delivery tries.
NOTIFY_OUTBID_THROTTLE_SECONDS = _env("NOTIFY_OUTBID_THROTTLE_SECONDS")
NOTIFY_ENDING_SOON_SECONDS = _env("NOTIFY_ENDING_SOON_SECONDS")
NOTIFY_MAX_ATTEMPTS = _env("NOTIFY_MAX_ATTEMPTS")
NOTIFY_RETRY_BASE_SECONDS = _env("NOTIFY_RETRY_BASE_SECONDS")
NOTIFY_RETRY_MAX_SECONDS = _env("NOTIFY_RETRY_MAX_SECONDS")
NOTIFY_SWEEP_SECONDS = _env("NOTIFY_SWEEP_SECONDS")
NOTIFY_STALE_SECONDS = _env("NOTIFY_STALE_SECONDS")
NOTIFY_QUEUE = _env("NOTIFY_QUEUE")
NOTIFY_BATCH_SIZE = _env("NOTIFY_BATCH_SIZE")
# Beat may run on several nodes (no single point): RedBeat keeps the schedule and a leader lock in
# Redis. The node holding the lock schedules, extending it on every tick; the others try for it every
# BEAT_MAX_LOOP_SECONDS, and one takes over once the leader releases it (on a stop) or it expires
# (BEAT_LOCK_SECONDS after the leader's last tick, when it died). So each periodic task is sent once
# per due time however many beat nodes run, and the schedule (last run times) survives the leader.
CELERY_BEAT_SCHEDULER = "redbeat.RedBeatScheduler"
CELERY_BEAT_MAX_LOOP_INTERVAL = _env("BEAT_MAX_LOOP_SECONDS")
CELERY_REDBEAT_REDIS_URL = REDIS_URL
CELERY_REDBEAT_KEY_PREFIX = _env("BEAT_KEY_PREFIX")
"""Namespace of beat's keys in Redis, lock included (tests give each beat set its own)."""
CELERY_REDBEAT_LOCK_TIMEOUT = _env("BEAT_LOCK_SECONDS")
CELERY_REDBEAT_REDIS_OPTIONS = {"socket_timeout": 5, "socket_connect_timeout": 5}

# "What if" runs (auction.whatif, docs/explanation/whatif.md): a rule change tried on a past range of the log, in a Celery task.
WHATIF_QUEUE = _env("WHATIF_QUEUE")
WHATIF_MAX_RANGE = timedelta(days=_env("WHATIF_MAX_RANGE_DAYS"))
WHATIF_MAX_RECORDS = _env("WHATIF_MAX_RECORDS")
WHATIF_MAX_SECONDS = _env("WHATIF_MAX_SECONDS")
WHATIF_TOPIC_PREFIX = _env("WHATIF_TOPIC_PREFIX")
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


# Operations (auction.ops): when a consumer's lag turns red, and where each processor serves its metrics.
OPS_REFRESH_SECONDS = _env("OPS_REFRESH_SECONDS")
OPS_LAG_THRESHOLD_DEFAULT = _env("OPS_LAG_THRESHOLD_DEFAULT")
OPS_LAG_THRESHOLDS = {
    name: int(limit) for name, limit in _env("OPS_LAG_THRESHOLDS").items()
}
# Each processor's instances, `name=url|url,…`: their Prometheus endpoints; /healthz and the ops page
# read each instance's /status next to it (see docs/how-to/operations.md). Empty: no processor is watched.
OPS_METRICS_TARGETS = {
    name: tuple(url.strip() for url in urls.split("|") if url.strip())
    for name, urls in _env("OPS_METRICS_TARGETS").items()
}

# Health (/healthz): the Kafka address its probe uses (empty: KAFKA_BOOTSTRAP_SERVERS), how long one
# processor instance may take to answer, how long a report is reused, how long the Kafka probe's
# answer is reused, and when aborts mean failing.
HEALTH_KAFKA_BOOTSTRAP_SERVERS = _env("HEALTH_KAFKA_BOOTSTRAP_SERVERS")
HEALTH_SCRAPE_TIMEOUT_SECONDS = _env("HEALTH_SCRAPE_TIMEOUT_SECONDS")
HEALTH_CACHE_SECONDS = _env("HEALTH_CACHE_SECONDS")
HEALTH_KAFKA_CACHE_SECONDS = _env("HEALTH_KAFKA_CACHE_SECONDS")
HEALTH_ABORTS_FAILING = _env("HEALTH_ABORTS_FAILING")

# Analytics (auction.analytics): event-time windows and lateness; see docs/explanation/analytics.md.
# Changing a window size needs a rebuild: `manage.py reset_analytics`, then the processor replays.
ANALYTICS_WINDOW_SECONDS = _env("ANALYTICS_WINDOW_SECONDS")
ANALYTICS_ALLOWED_LATENESS_SECONDS = _env("ANALYTICS_ALLOWED_LATENESS_SECONDS")
ANALYTICS_HOT_WINDOW_SECONDS = _env("ANALYTICS_HOT_WINDOW_SECONDS")
ANALYTICS_REFRESH_SECONDS = _env("ANALYTICS_REFRESH_SECONDS")
# How long computed figures (the page's, its JSON's, each CSV export's) are reused, per filter.
ANALYTICS_CACHE_SECONDS = _env("ANALYTICS_CACHE_SECONDS")
# Rows of one CSV export at most; a longer table asks for a shorter range instead.
ANALYTICS_CSV_MAX_ROWS = _env("ANALYTICS_CSV_MAX_ROWS")

# Live updates (auction.live): decisions older than this are not pushed (the live processor fell
# behind); pages resync from snapshots when they notice the gap.
LIVE_STALE_SECONDS = _env("LIVE_STALE_SECONDS")

# Request limits: any request body (auction.request_limits, counted as it streams in, chunked or
# not), and JSON bodies (auction.json_input: size and nesting) → 413 or 400 with a message.
# The general limit leaves room for the sell page's photos (8 of at most 5 MB).
AUCTION_MAX_REQUEST_BYTES = _env("AUCTION_MAX_REQUEST_BYTES")
AUCTION_JSON_MAX_BYTES = _env("AUCTION_JSON_MAX_BYTES")
AUCTION_JSON_MAX_DEPTH = _env("AUCTION_JSON_MAX_DEPTH")

# Transport security: DJANGO_SECURE=1 on a real host, which serves the site over HTTPS (behind a TLS
# proxy, or uvicorn with a certificate). `manage.py check --deploy` then reports nothing; see
# docs/how-to/operations.md, "Behind a TLS proxy".
#
# AUCTION_TRUSTED_PROXIES: addresses or networks of the proxies in front of the site (e.g.
# "127.0.0.1,::1"). Only a request from one of them has its X-Forwarded-For (the client's address:
# login throttling, /metrics' "from this machine") and X-Forwarded-Proto (HTTPS or not) believed;
# from anyone else those headers are dropped (auction.proxies). Empty: none is believed.
AUCTION_TRUSTED_PROXIES = _env("AUCTION_TRUSTED_PROXIES")
SECURE = _env("DJANGO_SECURE")
if SECURE:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _env("DJANGO_SECURE_SSL_REDIRECT")
    # Probes and Prometheus on the host itself speak plain HTTP to the web server.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
    SECURE_HSTS_SECONDS = _env("DJANGO_HSTS_SECONDS")
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _env("DJANGO_HSTS_INCLUDE_SUBDOMAINS")
    SECURE_HSTS_PRELOAD = _env("DJANGO_HSTS_PRELOAD")
if AUCTION_TRUSTED_PROXIES:  # only a trusted proxy's X-Forwarded-Proto reaches Django (auction.proxies)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Login and sign-up throttling (auction.accounts.throttling), counted in Redis across web processes.
# A password login is refused (429) once its username, or the address it comes from, has had this
# many failures within the window; sign-ups are counted per address. Redis away: refused (503).
AUCTION_LOGIN_FAILURES_PER_USERNAME = _env("AUCTION_LOGIN_FAILURES_PER_USERNAME")
AUCTION_LOGIN_FAILURES_PER_ADDRESS = _env("AUCTION_LOGIN_FAILURES_PER_ADDRESS")
AUCTION_LOGIN_WINDOW_SECONDS = _env("AUCTION_LOGIN_WINDOW_SECONDS")
AUCTION_SIGNUPS_PER_ADDRESS = _env("AUCTION_SIGNUPS_PER_ADDRESS")
AUCTION_SIGNUP_WINDOW_SECONDS = _env("AUCTION_SIGNUP_WINDOW_SECONDS")
AUCTION_THROTTLE_PREFIX = _env("AUCTION_THROTTLE_PREFIX")
"""Namespace of the throttle's Redis keys (tests give each test its own)."""

# API tokens (auction.accounts.tokens): how long one lives, and how many live ones a person may hold
# (one more is refused with 409 until one is revoked or expires).
AUCTION_API_TOKEN_DAYS = _env("AUCTION_API_TOKEN_DAYS")
AUCTION_API_TOKENS_PER_ACCOUNT = _env("AUCTION_API_TOKENS_PER_ACCOUNT")

# Live sockets open at once from one client address (per web process), and items one socket follows.
LIVE_MAX_CONNECTIONS_PER_ADDRESS = _env("LIVE_MAX_CONNECTIONS_PER_ADDRESS")
LIVE_MAX_SUBSCRIPTIONS = _env("LIVE_MAX_SUBSCRIPTIONS")
