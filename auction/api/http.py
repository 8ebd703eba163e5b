"""The plumbing every API handler shares: method dispatch, JSON in, JSON out, errors as `ApiError`."""
from collections.abc import Callable
from typing import TypeVar

import pydantic
from asgiref.sync import iscoroutinefunction, sync_to_async
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from auction.api.errors import INVALID_FIELDS, ApiError, error_json, pydantic_fields
from auction.json_input import JsonRefused, parse_json, too_large

Model = TypeVar("Model", bound=pydantic.BaseModel)
Handler = Callable[..., HttpResponse]


def route(**handlers: Handler) -> Callable[..., HttpResponse]:
    """One view per URL, dispatching on the method: `route(get=items_browse, post=create_item)`.

    Where one handler is async the view is async, and the sync handlers run in Django's sync
    thread as they would anyway. CSRF is exempt here only because `auth.api_user` checks it
    itself for session callers.
    """
    allowed = ", ".join(sorted(method.upper() for method in handlers))
    not_allowed = lambda: error_json(405, f"Use {allowed} here.", headers={"Allow": allowed})  # noqa: E731

    if not any(iscoroutinefunction(handler) for handler in handlers.values()):

        @csrf_exempt
        def view(request: HttpRequest, **kwargs) -> HttpResponse:
            handler = handlers.get(request.method.lower())
            if handler is None:
                return not_allowed()
            try:
                return handler(request, **kwargs)
            except ApiError as error:
                return error.response()

        return view

    awaitable = {method: h if iscoroutinefunction(h) else sync_to_async(h) for method, h in handlers.items()}

    @csrf_exempt
    async def async_view(request: HttpRequest, **kwargs) -> HttpResponse:
        handler = awaitable.get(request.method.lower())
        if handler is None:
            return not_allowed()
        try:
            return await handler(request, **kwargs)
        except ApiError as error:
            return error.response()

    return async_view


def _validated(model: type[Model], data: object) -> Model:
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as error:
        raise ApiError(400, INVALID_FIELDS, fields=pydantic_fields(error)) from None


def json_body(request: HttpRequest) -> object:
    """The request's JSON within the size and depth limits (413 / 400 with a message otherwise)."""
    try:
        raw = request.body
    except RequestDataTooBig:  # past Django's DATA_UPLOAD_MAX_MEMORY_SIZE: past the lower of the two limits
        raise ApiError(413, str(too_large(min(settings.AUCTION_JSON_MAX_BYTES, settings.DATA_UPLOAD_MAX_MEMORY_SIZE)))) from None
    try:
        return parse_json(raw or b"null", max_bytes=settings.AUCTION_JSON_MAX_BYTES, max_depth=settings.AUCTION_JSON_MAX_DEPTH)
    except JsonRefused as refused:
        raise ApiError(refused.status, str(refused)) from None


def body(request: HttpRequest, model: type[Model]) -> Model:
    data = json_body(request)
    if not isinstance(data, dict):
        raise ApiError(400, "Send a JSON object as the request body.")
    return _validated(model, data)


def query(request: HttpRequest, model: type[Model]) -> Model:
    return _validated(model, {name: value for name, value in request.GET.items() if value != ""})


def respond(payload: pydantic.BaseModel, status: int = 200) -> JsonResponse:
    return JsonResponse(payload.model_dump(mode="json"), status=status)


def no_content() -> HttpResponse:
    return HttpResponse(status=204)
