"""The web tier keeps nothing between requests that another web process would need: sessions are in
PostgreSQL, caches, the Channels layer, the throttles' counters and beat's schedule and lock in Redis.
So web pods (and beat nodes) can be added, removed and replaced freely (docs/explanation/scaling.md)."""
from django.conf import settings

REDIS_CACHE = "django.core.cache.backends.redis.RedisCache"


def test_sessions_are_kept_in_the_database_every_web_process_reads():
    assert settings.SESSION_ENGINE in ("django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db")


def test_every_cache_and_the_channels_layer_are_on_the_shared_redis():
    assert {alias: cache["BACKEND"] for alias, cache in settings.CACHES.items()} == {alias: REDIS_CACHE for alias in settings.CACHES}
    assert all(cache["LOCATION"] == settings.REDIS_URL for cache in settings.CACHES.values())
    layer = settings.CHANNEL_LAYERS["default"]
    assert layer["BACKEND"].startswith("channels_redis.") and layer["CONFIG"]["hosts"] == [settings.REDIS_URL]


def test_beat_keeps_its_schedule_and_leader_lock_in_the_shared_redis():
    assert settings.CELERY_BEAT_SCHEDULER == "redbeat.RedBeatScheduler"
    assert settings.CELERY_REDBEAT_REDIS_URL == settings.REDIS_URL
    assert 0 < settings.CELERY_BEAT_MAX_LOOP_INTERVAL < settings.CELERY_REDBEAT_LOCK_TIMEOUT


def test_redbeat_finds_its_settings_under_its_own_names():
    """RedBeat asks for `redbeat_*` by those names; without them it falls back to the broker's options."""
    from redbeat.schedulers import ensure_conf

    from auction.celery import app

    conf = ensure_conf(app)
    assert conf.is_key_in_conf("redbeat_redis_url") and conf.redis_url == settings.REDIS_URL
    assert conf.is_key_in_conf("redbeat_redis_options") and conf.redbeat_redis_options["socket_timeout"] > 0
    assert conf.lock_key == f"{settings.CELERY_REDBEAT_KEY_PREFIX}:lock"
