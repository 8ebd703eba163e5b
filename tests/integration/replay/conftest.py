import pytest


@pytest.fixture(autouse=True)
def replay_settings(settings, kafka_bootstrap):
    settings.KAFKA_BOOTSTRAP_SERVERS = kafka_bootstrap
    settings.AUCTION_CURRENCY = "EUR"
    return settings
