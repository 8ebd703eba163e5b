"""The whole platform for a browser: the site, the bidding processor and the projector, on the test database.

It runs for this folder's module only (the processes stop after it), with settings for auctions
short enough to watch end: the sell page then offers a 20-second auction, and the soft-close
window is short, so a late bid moves the end by seconds, not minutes.
"""
import pytest

from tests.integration.conftest import (  # noqa: F401  (processor_env and provisioned_topics are fixtures)
    ProcessorProcess,
    processor_env,
    provisioned_topics,
    serving_web,
    start_at_log_end,
)

AUCTION_SECONDS = 20
SITE_ENV = {"AUCTION_MIN_DURATION_SECONDS": str(AUCTION_SECONDS), "AUCTION_EXTENSION_WINDOW_SECONDS": "2"}
PROCESSORS = ("bidding", "projector")


@pytest.fixture(scope="module")
def site(processor_env, provisioned_topics, tmp_path_factory, django_db_blocker):
    """Base URL of the site, with the processors deciding and projecting what happens on it."""
    logs = tmp_path_factory.mktemp("e2e")
    env = {**processor_env, **SITE_ENV, "AUCTION_DATA_DIR": str(logs)}  # uploaded photos stay with the logs
    with django_db_blocker.unblock():
        for name in PROCESSORS:
            start_at_log_end(name, env)
    processes = [ProcessorProcess(name, env, logs / f"{name}.log").start() for name in PROCESSORS]
    try:
        with serving_web(env, logs / "web.log") as url:
            yield url
    finally:
        for process in processes:
            process.stop()
