"""The JSON API, fuzzed from its own OpenAPI document with schemathesis, on the real stack.

The site runs under uvicorn on the test database (`web_server`), with the bidding processor and
the projector deciding and projecting what it publishes (`auction_pipeline`). For every operation
of /api/openapi.json, schemathesis generates requests that fit the document and requests that do
not (wrong types, missing fields, out-of-range values, odd strings), as an anonymous caller and
with a bearer token, against a real open item and against made-up ids. Every answer must:
- never be a 5xx (a 503 is allowed only where the document names it, and only when a server is
  away, which it is not here);
- conform to the document: a documented status code, its content type and its schema
  (schemathesis's response checks);
- publish nothing to Kafka when it refuses the request (4xx): the end offsets of the topics the
  web tier writes are the same before and after.

Bounded for two shared cores: a fixed number of examples per operation and mode, no shrinking
(a failure prints the request as a curl command instead).
"""
from __future__ import annotations

import uuid

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from kafka import KafkaConsumer, TopicPartition
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from streams.topics import REGISTRY
from tests.support.auctions import publish_listing
from tests.support.waiting import eventually

pytestmark = pytest.mark.django_db(transaction=True)

EXAMPLES = {"create_user": 12, "create_token": 12}
"""Sign-up and tokens hash a password on every call (deliberately slow): fewer examples there."""
DEFAULT_EXAMPLES = 30
WEB_TOPICS = [topic.name for topic in REGISTRY if "web" in topic.producers and topic.events]
"""The topics the web tier publishes events to (not the ops page's retry topics)."""


class EndOffsets:
    def __init__(self, bootstrap: str) -> None:
        self._consumer = KafkaConsumer(bootstrap_servers=bootstrap)
        self._partitions = [
            TopicPartition(topic, number) for topic in WEB_TOPICS for number in self._consumer.partitions_for_topic(topic)
        ]

    def now(self) -> dict[TopicPartition, int]:
        return self._consumer.end_offsets(self._partitions)

    def close(self) -> None:
        self._consumer.close()


def _token(api: str) -> str:
    name = f"fuzz{uuid.uuid4().hex[:10]}"
    password = f"a passphrase for {name}"
    created = requests.post(f"{api}/users", json={"username": name, "email": f"{name}@example.com", "password": password},
                            timeout=30)
    assert created.status_code == 201, created.text
    issued = requests.post(f"{api}/tokens", json={"username": name, "password": password}, timeout=30)
    assert issued.status_code == 201, issued.text
    return issued.json()["token"]


def test_every_generated_request_is_answered_as_documented_and_refusals_publish_nothing(
    web_server, auction_pipeline, kafka_bootstrap, django_user_model
):
    api = f"{web_server}/api"
    schema = schemathesis.openapi.from_url(f"{api}/openapi.json")
    seller = django_user_model.objects.create_user(username=f"fuzz-seller-{uuid.uuid4().hex[:8]}")
    open_item = publish_listing(seller, title="Fuzzed telescope", ends_in_s=3600)
    eventually(lambda: requests.get(f"{api}/items/{open_item}", timeout=10).status_code == 200, timeout_s=60,
               what="the fuzzed item, projected")
    bearer = {"Authorization": f"Bearer {_token(api)}"}
    session = requests.Session()
    offsets = EndOffsets(kafka_bootstrap)
    failures: list[str] = []
    counted = {"requests": 0, "refused": 0}

    def exercise(case, headers) -> None:
        before = offsets.now()
        response = case.call_and_validate(
            base_url=api, session=session, headers=headers, timeout=30, excluded_checks=[positive_data_acceptance]
        )
        counted["requests"] += 1
        if 400 <= response.status_code < 500:
            counted["refused"] += 1
            published = {f"{tp.topic}[{tp.partition}]": end - before[tp] for tp, end in offsets.now().items() if end != before[tp]}
            assert not published, f"a refused request ({response.status_code}) published {published}"

    def fuzz(operation, mode, headers, item) -> None:
        """Up to `examples` generated requests to one operation, each checked; the first failure is recorded."""
        fixed = {"item_id": item} if item and "{item_id}" in operation.path else None
        examples = EXAMPLES.get(operation.definition.raw.get("operationId"), DEFAULT_EXAMPLES)
        caller = "token" if headers else "anonymous"

        @settings(max_examples=examples, deadline=None, database=None, phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck), print_blob=False)
        @given(case=operation.as_strategy(generation_mode=mode, path_parameters=fixed))
        def one(case) -> None:
            try:
                exercise(case, headers)
            except (Exception, BaseExceptionGroup) as error:
                failures.append(f"{operation.label} ({mode.value}, {caller}): {error}\n  {case.as_curl_command(headers=headers)}")
                raise

        try:
            one()
        except Unsatisfiable:
            pass  # negative mode with nothing to break: a fixed item id is the operation's only input
        except (Exception, BaseExceptionGroup) as error:
            if not failures or not failures[-1].startswith(f"{operation.label} ({mode.value}, {caller})"):
                failures.append(f"{operation.label} ({mode.value}, {caller}): {type(error).__name__}: {error}")

    try:
        for result in schema.get_all_operations():
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                for headers, item in ((None, None), (bearer, open_item)):
                    fuzz(result.ok(), mode, headers, item)
    finally:
        offsets.close()
    print(f"{counted['requests']} requests, {counted['refused']} refused")
    assert counted["requests"] > 0
    assert not failures, "\n".join(failures[:20])
