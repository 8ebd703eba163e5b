"""/api/openapi.json describes every route of the table the URL map is built from, with resolvable schemas."""
import re
import uuid

import pytest
from django.urls import resolve

from auction.api.routes import ROUTES

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(client) -> dict:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()


def _refs(node) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if "$ref" in node else []
        return own + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []


def test_every_route_and_method_is_documented_and_served(document):
    documented = {(path, method) for path, operations in document["paths"].items() for method in operations}

    assert document["openapi"] == "3.1.0"
    assert documented == {
        ("/users", "post"), ("/tokens", "post"), ("/tokens", "get"), ("/tokens/{token_id}", "delete"),
        ("/items", "get"), ("/items", "post"), ("/items/{item_id}", "get"),
        ("/items/{item_id}/bids", "get"), ("/items/{item_id}/bids", "post"), ("/items/{item_id}/buy-now", "post"),
        ("/items/{item_id}/as-of", "get"), ("/items/{item_id}/timeline", "get"),
        ("/openapi.json", "get"),
    }
    for path, operations in document["paths"].items():
        types = {p["name"]: p["schema"]["type"] for spec in operations.values() for p in spec["parameters"] if p["in"] == "path"}
        concrete = "/api" + re.sub(r"\{(\w+)\}", lambda name: "7" if types[name[1]] == "integer" else str(uuid.uuid4()), path)
        assert resolve(concrete).app_name == "api"


def test_every_schema_reference_resolves(document):
    schemas = document["components"]["schemas"]

    for ref in _refs(document):
        assert ref.startswith("#/components/schemas/") and ref.rsplit("/", 1)[1] in schemas


def test_requests_and_answers_are_described_by_the_validating_models(document):
    schemas = document["components"]["schemas"]
    create_item = document["paths"]["/items"]["post"]

    body_ref = create_item["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    new_item = schemas[body_ref.rsplit("/", 1)[1]]
    assert set(new_item["required"]) == {"title", "description", "category", "location", "starting_price"}
    assert new_item["additionalProperties"] is False
    assert set(create_item["responses"]) == {"201", "202", "400", "401", "403", "409", "413", "503"}
    [key] = create_item["parameters"]
    assert (key["name"], key["in"], key["required"], key["schema"]["maxLength"]) == ("Idempotency-Key", "header", False, 255)
    assert create_item["security"]
    assert {parameter["name"] for parameter in document["paths"]["/items"]["get"]["parameters"]} == {"status", "category", "q", "sort", "page"}
    problem = schemas["Problem"]
    assert set(problem["required"]) == {"error", "fields"}


def test_the_document_is_generated_from_the_route_table(document):
    assert sum(len(operations) for operations in ROUTES.values()) == sum(len(methods) for methods in document["paths"].values())


def test_the_token_endpoints_say_what_they_refuse(document):
    issue, listing = document["paths"]["/tokens"]["post"], document["paths"]["/tokens"]["get"]
    revoke = document["paths"]["/tokens/{token_id}"]["delete"]
    schemas = document["components"]["schemas"]

    assert {"401", "409", "413", "429", "503"} <= set(issue["responses"])
    assert "expires" in issue["description"] and "409" in issue["description"] and "429" in issue["description"]
    listed = schemas[listing["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]]
    assert listed["properties"]["tokens"]["items"]["$ref"].endswith("/ListedToken")
    assert "token" not in schemas["ListedToken"]["properties"]  # the secret is never listed
    assert set(revoke["responses"]) == {"204", "401", "403", "404"} and listing["security"] and revoke["security"]
