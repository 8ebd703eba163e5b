"""The `Idempotency-Key` header of the API's writes: read it, and describe it in the OpenAPI document."""
from django.http import HttpRequest

from auction.api.errors import ApiError
from auction.idempotency import HEADER, MALFORMED, attempt_key_valid


def idempotency_key(request: HttpRequest) -> str | None:
    """The request's key, None without one; a malformed key is a 400."""
    key = request.headers.get(HEADER)
    if key is not None and not attempt_key_valid(key):
        raise ApiError(400, MALFORMED)
    return key


def idempotency_parameter(description: str) -> dict:
    """The header as an OpenAPI parameter object; `description` says what a retry with it gets."""
    return {
        "name": HEADER,
        "in": "header",
        "required": False,
        "description": description,
        "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
    }
