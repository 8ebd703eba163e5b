"""/healthz tells the truth about each dependency, and recovers when a dependency does."""
import pytest


@pytest.mark.django_db
def test_healthz_is_ok_when_every_server_is_up(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"kafka": "ok", "postgres": "ok", "redis": "ok"}


@pytest.mark.django_db
def test_healthz_names_kafka_while_the_broker_is_stopped(client, test_stack):
    test_stack.stop("kafka")
    try:
        down = client.get("/healthz")
    finally:
        test_stack.start("kafka")
    up = client.get("/healthz")

    assert down.status_code == 503
    assert down.json()["kafka"] != "ok"
    assert down.json()["postgres"] == "ok" and down.json()["redis"] == "ok"
    assert up.status_code == 200
    assert up.json()["kafka"] == "ok"
