"""The API's one error shape: `{"error": "<for a person>", "fields": {"<field>": "<what is wrong>"}}`."""
import pydantic
from django.core.exceptions import ValidationError
from django.http import JsonResponse

INVALID_FIELDS = "Some fields are missing or not valid."


class ApiError(Exception):
    """Raised by API handlers to answer with a 4xx; `route` turns it into the JSON response."""

    def __init__(self, status: int, message: str, *, fields: dict[str, str] | None = None, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.fields = fields or {}
        self.headers = headers

    def response(self) -> JsonResponse:
        return error_json(self.status, self.message, fields=self.fields, headers=self.headers)


def error_json(status: int, message: str, *, fields: dict[str, str] | None = None, headers: dict | None = None) -> JsonResponse:
    return JsonResponse({"error": message, "fields": fields or {}}, status=status, headers=headers)


def pydantic_fields(error: pydantic.ValidationError) -> dict[str, str]:
    """Field path → message; a validator's own message is kept without pydantic's "Value error, " prefix."""
    fields: dict[str, str] = {}
    for problem in error.errors(include_url=False):
        name = ".".join(str(part) for part in problem["loc"]) or "body"
        cause = problem.get("ctx", {}).get("error")
        fields.setdefault(name, str(cause) if problem["type"] == "value_error" and cause else problem["msg"])
    return fields


def django_error(error: ValidationError) -> tuple[str, dict[str, str]]:
    """A service's ValidationError as (message, fields): per-field when the service named fields."""
    if hasattr(error, "error_dict"):
        fields = {name: " ".join(messages) for name, messages in error.message_dict.items()}
        general = fields.pop("__all__", None)
        return (general or INVALID_FIELDS), fields
    return " ".join(error.messages), {}
