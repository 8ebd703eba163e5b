"""The OpenAPI 3.1 document, generated from the route table and its pydantic models so it cannot drift."""
import re
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus

from django.conf import settings
from django.http import HttpResponse
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from auction.api.shapes import Problem

REF_TEMPLATE = "#/components/schemas/{model}"
SECURITY = [{"bearerToken": []}, {"sessionCookie": []}]
_PATH_PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")
_PARAMETER_SCHEMAS = {"uuid": {"type": "string", "format": "uuid"}, "int": {"type": "integer"}, None: {"type": "string"}}


@dataclass(frozen=True)
class Operation:
    """One method on one path: its handler, and what it takes and answers for the document."""

    method: str
    handler: Callable[..., HttpResponse]
    summary: str
    ok: dict[int, type[BaseModel] | None]
    """Success status → reply model (None: any JSON object)."""
    errors: tuple[int, ...] = ()
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    authenticated: bool = False
    description: str = ""
    headers: tuple[dict, ...] = ()
    """Header parameters, as OpenAPI parameter objects."""


def openapi_path(django_route: str) -> str:
    """ "items/<uuid:item_id>/bids" → "/items/{item_id}/bids" """
    return "/" + _PATH_PARAMETER.sub(r"{\2}", django_route)


def _path_parameters(django_route: str) -> list[dict]:
    return [
        {"name": name, "in": "path", "required": True, "schema": _PARAMETER_SCHEMAS.get(converter, _PARAMETER_SCHEMAS[None])}
        for converter, name in _PATH_PARAMETER.findall(django_route)
    ]


def _query_parameters(model: type[BaseModel]) -> list[dict]:
    """`allowEmptyValue`: `auction.api.http.query` reads `?name=` as leaving the parameter out (as forms send it)."""
    schema = model.model_json_schema(ref_template=REF_TEMPLATE)
    required = set(schema.get("required", ()))
    return [
        {"name": name, "in": "query", "required": name in required, "allowEmptyValue": True, "schema": property_schema}
        for name, property_schema in schema["properties"].items()
    ]


def _json(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def document(routes: dict[str, list[Operation]], *, prefix: str) -> dict:
    models = {(Problem, "serialization")}
    for operations in routes.values():
        for operation in operations:
            models.update((model, "serialization") for model in operation.ok.values() if model is not None)
            if operation.body is not None:
                models.add((operation.body, "validation"))
    refs, definitions = models_json_schema(sorted(models, key=lambda pair: pair[0].__name__), ref_template=REF_TEMPLATE)
    paths: dict[str, dict] = {}
    for route, operations in routes.items():
        for operation in operations:
            responses = {
                str(status): {"description": HTTPStatus(status).phrase, **({} if model is None else _json(refs[(model, "serialization")]))}
                for status, model in operation.ok.items()
            }
            responses |= {
                str(status): {"description": HTTPStatus(status).phrase, **_json(refs[(Problem, "serialization")])}
                for status in operation.errors
            }
            spec = {
                "operationId": operation.handler.__name__,
                "summary": operation.summary,
                "parameters": (
                    _path_parameters(route)
                    + ([] if operation.query is None else _query_parameters(operation.query))
                    + list(operation.headers)
                ),
                "responses": responses,
            }
            if operation.description:
                spec["description"] = operation.description
            if operation.body is not None:
                spec["requestBody"] = {"required": True, **_json(refs[(operation.body, "validation")])}
            if operation.authenticated:
                spec["security"] = SECURITY
            paths.setdefault(openapi_path(route), {})[operation.method] = spec
    return {
        "openapi": "3.1.0",
        "info": {"title": f"{settings.SITE_NAME} API", "version": "1"},
        "servers": [{"url": f"/{prefix.rstrip('/')}"}],
        "paths": paths,
        "components": {
            "schemas": definitions.get("$defs", {}),
            "securitySchemes": {
                "bearerToken": {"type": "http", "scheme": "bearer", "description": "A token from POST /tokens"},
                "sessionCookie": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": settings.SESSION_COOKIE_NAME,
                    "description": "The browser session; unsafe methods also need the X-CSRFToken header",
                },
            },
        },
    }
