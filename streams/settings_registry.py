"""Every setting the platform reads from the environment: the one list, read by Django and the runtime.

Each `Setting` says its variable's name, its default (as it would be written in the environment),
what it means, which processes read it and how its text is parsed. `auction/settings.py`, the
processor runtime (`streams.runtime.config`), the Kafka clients (`streams.kafka_clients`) and the
bidding processor's retention read their values through `value(name)`, so a default is written
down once and the two sides cannot disagree; `docs/reference/settings.md` is generated from this
list (`python -m streams.catalogue --write`) and a unit test fails when it is stale, or when code
reads a variable that is not here.

No Django here: the runtime imports this module too.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Callable, Mapping

# Who reads a setting, in the words of docs/reference/settings.md.
WEB = "web"
PROCESSORS = "processors"
DJANGO = "every Django process"
CELERY = "celery"
DEPLOY = "deploy scripts"
READERS: dict[str, str] = {
    WEB: "The ASGI site (`uvicorn auction.asgi:application`).",
    PROCESSORS: "Every processor instance (`manage.py runprocessor NAME`, `python -m streams.runtime.run`).",
    DJANGO: "Whatever loads `auction.settings`: the site, `manage.py` commands (processors included), Celery.",
    CELERY: "The Celery worker and beat (`celery -A auction worker` / `beat`).",
    DEPLOY: "`deploy/bootstrap`, `deploy/demo`, `deploy/test`, `deploy/supervisord.conf`.",
}


def flag(text: str) -> bool:
    return text.strip().lower() in {"1", "true", "yes", "on"}


def words(text: str) -> list[str]:
    """`a, b,c` as ["a", "b", "c"]; empty items dropped."""
    return [part.strip() for part in text.split(",") if part.strip()]


def pairs(text: str) -> dict[str, str]:
    """`a=1,b=2` as {"a": "1", "b": "2"}."""
    return dict(pair.split("=", 1) for pair in text.split(",") if "=" in pair)


@dataclass(frozen=True)
class Setting:
    name: str
    default: str | None
    """As written in the environment; None: no default (what happens then is in `meaning`)."""
    meaning: str
    readers: tuple[str, ...]
    parse: Callable[[str], Any] = str
    group: str = ""

    def read(self, env: Mapping[str, str]) -> Any:
        """The parsed value from `env`, else the parsed default (None when there is none)."""
        text = env.get(self.name, self.default)
        return None if text is None else self.parse(text)

    @property
    def parsed_default(self) -> Any:
        return None if self.default is None else self.parse(self.default)


def _group(title: str, *settings: Setting) -> tuple[Setting, ...]:
    return tuple(Setting(**{**s.__dict__, "group": title}) for s in settings)


S = Setting
DEMO_KAFKA = "127.0.0.1:19092"
DEMO_METRICS_TARGETS = (
    "bidding=http://127.0.0.1:9401/metrics,projector=http://127.0.0.1:9402/metrics,"
    "notifications=http://127.0.0.1:9403/metrics,analytics=http://127.0.0.1:9404/metrics,"
    "live=http://127.0.0.1:9405/metrics,dead-letters=http://127.0.0.1:9407/metrics"
)

SETTINGS: tuple[Setting, ...] = (
    *_group(
        "Servers",
        S("DATABASE_URL", "postgres://postgres@127.0.0.1:15432/auction",
          "PostgreSQL, as a URL (dj-database-url). The default is the demo profile's server.", (DJANGO,)),
        S("DATABASE_POOL_SIZE", "10",
          "Connections one process's pool opens at most; requests beyond wait for a free one (30 s).", (DJANGO,), int),
        S("REDIS_URL", "redis://127.0.0.1:16379/0",
          "Redis: the live updates' channel layer, Celery's broker, the analytics cache, login throttling.",
          (WEB, PROCESSORS, CELERY)),
        S("KAFKA_BOOTSTRAP_SERVERS", DEMO_KAFKA,
          "HOST:PORT[,HOST:PORT…] of the Kafka cluster every client talks to. The default is the demo "
          "profile's broker, for the site and the runtime alike.", (WEB, PROCESSORS, "streams.provisioning")),
        S("KAFKA_REPLICATION_FACTOR", None,
          "Copies of every topic that provisioning creates; unset: 1 (one broker). The cluster profile's "
          "`env` sets 3.", ("streams.provisioning", WEB, PROCESSORS), int),
        S("KAFKA_MIN_INSYNC_REPLICAS", None,
          "`min.insync.replicas` of every topic; unset: one less than the replication factor, at least 1.",
          ("streams.provisioning", WEB, PROCESSORS), int),
        S("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT",
          "PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL (docs/how-to/operations.md, Kafka with authentication).",
          (WEB, PROCESSORS)),
        S("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512", "SCRAM-SHA-512, SCRAM-SHA-256 or PLAIN; SASL only.", (WEB, PROCESSORS)),
        S("KAFKA_SASL_USERNAME", "", "The principal this process runs as (`User:NAME` to the ACLs); SASL only.",
          (WEB, PROCESSORS)),
        S("KAFKA_SASL_PASSWORD", "", "That principal's password; SASL only.", (WEB, PROCESSORS)),
        S("KAFKA_SSL_CAFILE", "",
          "PEM file of the CA the brokers' certificates are checked against; empty: the system's CAs. "
          "SSL and SASL_SSL only.", (WEB, PROCESSORS)),
    ),
    *_group(
        "Django site",
        S("DJANGO_SETTINGS_MODULE", "auction.settings", "Django's own; `manage.py`, ASGI and Celery set it.", (DJANGO,)),
        S("AUCTION_DATA_DIR", "var/demo",
          "The folder of what the site keeps on disk: the generated secret key, uploaded media "
          "(`media/`), the beat schedule and logs. Relative to the repository by default.", (DJANGO, DEPLOY)),
        S("DJANGO_SECRET_KEY", None,
          "Django's secret key. Unset: one is generated once and kept in `$AUCTION_DATA_DIR/secret_key`.", (DJANGO,)),
        S("DJANGO_DEBUG", "0", "1: Django's debug mode. Never on a public host.", (DJANGO,), flag),
        S("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver",
          "Host names the site answers to, comma-separated.", (WEB,), words),
        S("DJANGO_CSRF_TRUSTED_ORIGINS", "",
          "Origins (scheme://host[:port]) trusted for unsafe requests from another origin, comma-separated.",
          (WEB,), words),
        S("SITE_NAME", "Open Auction", "The site's name in pages, emails and the OpenAPI document.", (DJANGO,)),
        S("SITE_URL", "http://127.0.0.1:8000", "The site's address, for links in emails.", ("notifications", CELERY)),
        S("LOG_LEVEL", "INFO", "The root logger's level.", (DJANGO,)),
        S("DJANGO_SECURE", "0",
          "1: production transport settings (secure cookies, HSTS, HTTPS redirect); docs/how-to/operations.md.",
          (WEB,), flag),
        S("DJANGO_SECURE_SSL_REDIRECT", "1", "With DJANGO_SECURE: redirect plain HTTP to HTTPS.", (WEB,), flag),
        S("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600), "With DJANGO_SECURE: HSTS max-age.", (WEB,), int),
        S("DJANGO_HSTS_INCLUDE_SUBDOMAINS", "1", "With DJANGO_SECURE: HSTS includeSubDomains.", (WEB,), flag),
        S("DJANGO_HSTS_PRELOAD", "1", "With DJANGO_SECURE: HSTS preload.", (WEB,), flag),
        S("AUCTION_TRUSTED_PROXIES", "",
          "Addresses or networks of the proxies in front of the site; only their X-Forwarded-For and "
          "X-Forwarded-Proto are believed. Empty: none.", (WEB,), words),
    ),
    *_group(
        "Auction rules",
        S("AUCTION_CURRENCY", "EUR", "The one currency of prices and bids (ISO 4217).", (WEB, "manage.py seed_demo")),
        S("AUCTION_MIN_DURATION_SECONDS", "60", "The shortest auction a seller may list.", (WEB,), int),
        S("AUCTION_EXTENSION_WINDOW_SECONDS", "120",
          "Soft close: a bid accepted this close to the end extends the auction; written into each listing.",
          (WEB,), int),
        S("AUCTION_EXTENSION_CAP_SECONDS", "1800",
          "Soft close: the most an auction can be extended in all; written into each listing.", (WEB,), int),
        S("AUCTION_BIDS_PER_SECOND", "5", "Bids one person may place per second; more are refused with 429.",
          (WEB,), int),
        S("AUCTION_READ_YOUR_WRITES_SECONDS", "2",
          "How long a page waits for the projector to show a person's own action before rendering anyway.",
          (WEB,), float),
        S("BIDDING_CLOSED_GRACE_S", "3600",
          "How long the bidding processor keeps a closed auction's whole state (late and replayed requests).",
          ("bidding",), float),
        S("BIDDING_CLOSED_MEMORY_S", str(7 * 24 * 3600),
          "How long it remembers that an auction closed (answers \"closed\"); then the item is forgotten.",
          ("bidding",), float),
    ),
    *_group(
        "Processor runtime",
        S("STREAMS_INSTANCE_ID", None,
          "This instance's id: the transactional id is `<processor>-<instance id>` (and the static member "
          "id). Unset: the lowest free slot's id, `<processor>-N`, held by a host-wide lock (a duplicate "
          "id is refused); `runprocessor --instance-id` overrides it. See docs/how-to/scaling.md.", (PROCESSORS,)),
        S("STREAMS_INSTANCE_SLOT", None,
          "Ask for slot N's id (`<processor>-N`) rather than any free one; the metrics port is then the "
          "base + 100·N. `runprocessor --instance-slot` overrides it.", (PROCESSORS,), int),
        S("STREAMS_INSTANCE_LOCK_DIR", None,
          "Folder of the host-wide locks by which instances hold their ids; unset: a folder per user under "
          "the system's temp folder.", (PROCESSORS,)),
        S("STREAMS_STATIC_MEMBERSHIP", "0",
          "1: join the group with `group.instance.id` = instance id, so a restarted instance takes its "
          "partitions back without a rebalance (a stopped one keeps them until the session times out).",
          (PROCESSORS,), flag),
        S("STREAMS_METRICS_PORT", "0", "Port of the instance's metrics and health endpoint; 0 serves none.",
          (PROCESSORS,), int),
        S("STREAMS_METRICS_ADDRESS", "127.0.0.1", "Address that endpoint listens on.", (PROCESSORS,)),
        S("STREAMS_MAX_BATCH", "2000", "Records handled per transaction at most.", (PROCESSORS,), int),
        S("STREAMS_POLL_TIMEOUT_MS", "500", "How long one poll waits for records.", (PROCESSORS,), int),
        S("STREAMS_IDLE_POLL_TIMEOUT_MS", "2000",
          "The same once the instance has had no records and no rebalance for 10 s: fewer steps for an idle "
          "platform. Records end the poll at once and a due timer shortens it, as always; a stop asked "
          "meanwhile waits for it.", (PROCESSORS,), int),
        S("STREAMS_FETCH_MAX_WAIT_MS", "500",
          "How long the broker may hold a fetch of an instance whose inputs are busy when there is nothing "
          "new (a fetch is answered as soon as records arrive).", (PROCESSORS,), int),
        S("STREAMS_IDLE_FETCH_MAX_WAIT_MS", "5000",
          "The same once the instance has had no records and no rebalance for 10 s: fewer requests for an "
          "idle platform. The first records end the wait at once; a rewind or a new partition right after "
          "may wait that long for the pending fetch.", (PROCESSORS,), int),
        S("STREAMS_SESSION_TIMEOUT_MS", "10000", "The consumer group session timeout.", (PROCESSORS,), int),
        S("STREAMS_TRANSACTION_TIMEOUT_MS", "10000", "The producer's transaction timeout.", (PROCESSORS,), int),
        S("STREAMS_COMMIT_TIMEOUT_MS", "30000",
          "A commit not done by then is an indefinite error: the producer is re-created and the instance "
          "rewinds to the committed offsets.", (PROCESSORS,), int),
        S("STREAMS_MAX_BUFFERED_PER_PARTITION", "10000",
          "Fetching of a partition pauses while this many of its records wait to be merged.", (PROCESSORS,), int),
        S("STREAMS_LIVENESS_TIMEOUT_MS", "90000",
          "An instance whose loop has not completed a step for this long is not alive and its watchdog "
          "ends the process.", (PROCESSORS,), int),
        S("STREAMS_IDLE_REJOIN_MS", "10000",
          "An instance left without partitions this long asks its group for a new assignment when the "
          "group has fewer members than partitions.", (PROCESSORS,), int),
        S("STREAMS_NAME_SUFFIX", "",
          "Renames every processor (group, transactional id, changelogs, the offsets and watermarks a "
          "PostgreSQL-writing one keeps) to `<name>-<suffix>`, so test runs sharing a broker or a database "
          "share nothing. Empty: the real names.", (PROCESSORS, WEB)),
    ),
    *_group(
        "Notifications",
        S("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend", "Django's email backend.", (CELERY,)),
        S("EMAIL_HOST", "127.0.0.1", "SMTP server (the demo's capture server listens on 1025).", (CELERY,)),
        S("EMAIL_PORT", "1025", "SMTP port.", (CELERY,), int),
        S("EMAIL_HOST_USER", "", "SMTP user.", (CELERY,)),
        S("EMAIL_HOST_PASSWORD", "", "SMTP password.", (CELERY,)),
        S("EMAIL_USE_TLS", "0", "1: STARTTLS.", (CELERY,), flag),
        S("EMAIL_USE_SSL", "0", "1: SMTP over TLS.", (CELERY,), flag),
        S("EMAIL_TIMEOUT", "10", "SMTP timeout, seconds.", (CELERY,), int),
        S("DEFAULT_FROM_EMAIL", None, "The sender. Unset: `<SITE_NAME> <noreply@localhost>`.", (CELERY,)),
        S("NOTIFY_OUTBID_THROTTLE_SECONDS", "600", "At most one outbid email per person and item this often.",
          ("notifications",), int),
        S("NOTIFY_ENDING_SOON_SECONDS", "3600", "Watchers are reminded this long before an auction ends.",
          (CELERY,), int),
        S("NOTIFY_MAX_ATTEMPTS", "8", "Sending attempts per email before it is given up.", (CELERY,), int),
        S("NOTIFY_RETRY_BASE_SECONDS", "30", "First retry delay; it doubles each attempt.", (CELERY,), float),
        S("NOTIFY_RETRY_MAX_SECONDS", "3600", "The longest retry delay.", (CELERY,), float),
        S("NOTIFY_SWEEP_SECONDS", "30", "How often beat sweeps stalled emails and ending-soon reminders.",
          (CELERY,), float),
        S("NOTIFY_STALE_SECONDS", "120", "A pending email whose attempt was due this long ago is queued again.",
          (CELERY,), float),
        S("NOTIFY_QUEUE", "celery", "The Celery queue of email jobs.", (CELERY, "notifications")),
        S("NOTIFY_BATCH_SIZE", "50", "Emails per Celery task, sent over one SMTP connection.",
          (CELERY, "notifications"), int),
        S("BEAT_MAX_LOOP_SECONDS", "5",
          "How often a Celery beat node that is not the leader tries for the leader lock (RedBeat).", (CELERY,), float),
        S("BEAT_LOCK_SECONDS", "30",
          "How long the beat leader's lock outlives its last tick: a dead leader is replaced after this.", (CELERY,), int),
        S("BEAT_KEY_PREFIX", "redbeat:", "Namespace of Celery beat's schedule and leader lock in Redis.", (CELERY,)),
        S("CELERY_METRICS_PORT", "",
          "Port of a Prometheus endpoint on 127.0.0.1 for the Celery worker or beat; empty: none.", (CELERY,)),
    ),
    *_group(
        "What if (rule changes tried on history)",
        S("WHATIF_QUEUE", "celery", "The Celery queue what-if runs go to.", (WEB, CELERY)),
        S("WHATIF_MAX_RANGE_DAYS", "31", "The longest past range one what-if run may cover, in days.", (WEB,), int),
        S("WHATIF_MAX_RECORDS", "500000", "A what-if run reading more records than this fails, saying so.", (CELERY,), int),
        S("WHATIF_MAX_SECONDS", "900", "A what-if run taking longer than this fails, saying so.", (CELERY,), int),
        S("WHATIF_TOPIC_PREFIX", "",
          "Prefix of the topics a what-if run reads (tests read private copies); empty: the live topics.", (CELERY,)),
    ),
    *_group(
        "Operations and health",
        S("OPS_REFRESH_SECONDS", "5", "How often /ops/ refreshes itself.", (WEB,), int),
        S("OPS_LAG_THRESHOLD_DEFAULT", "1000", "A consumer's lag turns red on /ops/ above this.", (WEB,), int),
        S("OPS_LAG_THRESHOLDS", "bidding=100,projector=500", "Per-processor lag thresholds, `name=limit,…`.",
          (WEB,), pairs),
        S("OPS_METRICS_TARGETS", DEMO_METRICS_TARGETS,
          "Each processor's instances, `name=url|url,…`: their Prometheus endpoints; /healthz and /ops/ "
          "read each instance's /status next to it. Empty: no processor is watched.", (WEB,), pairs),
        S("HEALTH_KAFKA_BOOTSTRAP_SERVERS", "", "The Kafka address /healthz probes; empty: KAFKA_BOOTSTRAP_SERVERS.",
          (WEB,)),
        S("HEALTH_SCRAPE_TIMEOUT_SECONDS", "1", "How long one processor instance may take to answer /healthz.",
          (WEB,), float),
        S("HEALTH_CACHE_SECONDS", "1", "How long a /healthz report is reused.", (WEB,), float),
        S("HEALTH_KAFKA_CACHE_SECONDS", "1.5", "How long the Kafka probe's answer is reused.", (WEB,), float),
        S("HEALTH_ABORTS_FAILING", "3", "Transactions aborted in a row from which /healthz reports a processor as failing.",
          (WEB,), int),
    ),
    *_group(
        "Analytics",
        S("ANALYTICS_WINDOW_SECONDS", "60",
          "Size of the event-time windows; changing it needs `manage.py reset_analytics` and a replay.",
          ("analytics", WEB), int),
        S("ANALYTICS_ALLOWED_LATENESS_SECONDS", "30",
          "How far behind its partition's latest event time an event may be and still count in its window.",
          ("analytics", WEB), int),
        S("ANALYTICS_HOT_WINDOW_SECONDS", "600",
          "Length of the sliding window that ranks hot items; a whole number of windows.", ("analytics", WEB), int),
        S("ANALYTICS_REFRESH_SECONDS", "5", "How often /analytics/ refreshes itself.", (WEB,), float),
        S("ANALYTICS_CACHE_SECONDS", "3", "How long computed figures are reused, per filter.", (WEB,), float),
        S("ANALYTICS_CSV_MAX_ROWS", "10000", "Rows of one CSV export at most.", (WEB,), int),
    ),
    *_group(
        "Live updates",
        S("LIVE_STALE_SECONDS", "30", "Decisions older than this are not pushed; pages resync from snapshots.",
          ("live",), float),
        S("LIVE_MAX_CONNECTIONS_PER_ADDRESS", "50", "Live sockets open at once from one address, per web process.",
          (WEB,), int),
        S("LIVE_MAX_SUBSCRIPTIONS", "50", "Items one socket follows at most.", (WEB,), int),
    ),
    *_group(
        "Request limits, logins and tokens",
        S("AUCTION_MAX_REQUEST_BYTES", str(48 * 1024 * 1024), "Any request body at most (413 beyond).", (WEB,), int),
        S("AUCTION_JSON_MAX_BYTES", str(256 * 1024), "A JSON body at most (413 beyond).", (WEB,), int),
        S("AUCTION_JSON_MAX_DEPTH", "32", "A JSON body's nesting at most (400 beyond).", (WEB,), int),
        S("AUCTION_LOGIN_FAILURES_PER_USERNAME", "5", "Failed logins per username within the window before 429.",
          (WEB,), int),
        S("AUCTION_LOGIN_FAILURES_PER_ADDRESS", "20", "Failed logins per client address within the window before 429.",
          (WEB,), int),
        S("AUCTION_LOGIN_WINDOW_SECONDS", "900", "The login failures' window.", (WEB,), int),
        S("AUCTION_SIGNUPS_PER_ADDRESS", "10", "Sign-ups per client address within the window (the demo: 1000).",
          (WEB,), int),
        S("AUCTION_SIGNUP_WINDOW_SECONDS", "3600", "The sign-ups' window.", (WEB,), int),
        S("AUCTION_THROTTLE_PREFIX", "throttle", "Namespace of the throttle's Redis keys.", (WEB,)),
        S("AUCTION_API_TOKEN_DAYS", "30", "How long an API token lives.", (WEB,), int),
        S("AUCTION_API_TOKENS_PER_ACCOUNT", "10", "Live API tokens one person may hold (409 beyond).", (WEB,), int),
    ),
    *_group(
        "Deployment scripts and local servers",
        S("AUCTION_PROFILE", None,
          "The stack profile in use (demo, test, dev, dev1…dev9, secure); deploy/demo and deploy/test export "
          "it for the programs they start. Informational: no code reads it.", (DEPLOY,)),
        S("AUCTION_STATE_DIR", None,
          "Moves the local servers' state folders (`<dir>/<profile>`: Kafka, PostgreSQL, Redis data and "
          "logs). Unset: `var/`. It does not move AUCTION_DATA_DIR.", ("deploy.stack",)),
        S("AUCTION_WEB_PORT", "8000", "The demo's web port (deploy/supervisord.conf).", (DEPLOY,)),
        S("AUCTION_AUTOSTART", None, "true: supervisord starts every program (deploy/demo sets it).", (DEPLOY,)),
        S("AUCTION_DEMO_PROGRAMS", None,
          "true: supervisord also starts the demo's mail capture and load generator.", (DEPLOY,)),
        S("PYTHON", None, "The Python deploy/bootstrap makes .venv with; unset: the first 3.11+ found.", (DEPLOY,)),
        S("JAVA_HOME", None, "The Java the local Kafka runs on; unset: `java` on the PATH.", ("deploy.stack",)),
        S("XDG_CACHE_HOME", None, "Where Kafka's jars are cached (`<dir>/…`); unset: ~/.cache.", ("deploy.stack",)),
    ),
)

BY_NAME: dict[str, Setting] = {setting.name: setting for setting in SETTINGS}


def setting(name: str) -> Setting:
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(f"{name} is not in streams.settings_registry.SETTINGS") from None


def value(name: str, env: Mapping[str, str] | None = None) -> Any:
    """The setting's value in `env` (this process's environment by default), parsed, else its default."""
    return setting(name).read(os.environ if env is None else env)


def default(name: str) -> Any:
    return setting(name).parsed_default
