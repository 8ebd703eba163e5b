"""The one place where refusals become HTTP answers: a page for people, JSON under /api/.

Services raise `PublishUnavailable` (Kafka down: nothing was written; `PublishUncertain`: sent but
not acknowledged, so it may have been), `RateLimited` (bid flood),
`Throttled` (too many failed logins or sign-ups), `ThrottleUnavailable` (they cannot be counted),
`AttemptConflict` (an attempt key sent again with another request) or `ValidationError` (bad
input); views let them through and `ServiceErrorMiddleware` answers 503, 429, 429, 503, 409 or 400. Django's own 400, 403, 404 and 500 come through the handlers below.
"""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.deprecation import MiddlewareMixin

from auction.accounts.throttling import ThrottleUnavailable, Throttled
from auction.api import PREFIX as API_PREFIX
from auction.api.errors import django_error, error_json
from auction.bidding.rate_limit import RateLimited
from auction.idempotency import AttemptConflict
from auction.publishing import PublishUncertain, PublishUnavailable

UNAVAILABLE = "The auction service is temporarily unavailable; nothing was saved. Please try again in a moment."
UNAVAILABLE_RETRY_AFTER_S = 5
UNCERTAIN = (
    "The auction service did not confirm in time whether this was saved: it may have gone through. "
    "Please check before trying again."
)
TITLES = {
    400: "That did not work",
    409: "Already sent",
    403: "Not allowed",
    404: "Page not found",
    429: "Slow down",
    500: "Something went wrong",
    503: "Temporarily unavailable",
}


def _wants_json(request: HttpRequest) -> bool:
    return request.path_info.startswith(f"/{API_PREFIX}")


def error_response(
    request: HttpRequest, status: int, message: str, *, fields: dict[str, str] | None = None, headers: dict | None = None
) -> HttpResponse:
    if _wants_json(request):
        return error_json(status, message, fields=fields, headers=headers)
    context = {"status": status, "title": TITLES.get(status, "Error"), "message": message, "fields": fields or {}}
    response = render(request, "error.html", context, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


class ServiceErrorMiddleware(MiddlewareMixin):
    """Sync and async alike (MiddlewareMixin), so it costs an async view no thread hop."""

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, PublishUnavailable):
            message = UNCERTAIN if isinstance(exception, PublishUncertain) else UNAVAILABLE
            return error_response(request, 503, message, headers={"Retry-After": str(UNAVAILABLE_RETRY_AFTER_S)})
        if isinstance(exception, (RateLimited, Throttled)):
            return error_response(request, 429, str(exception), headers={"Retry-After": str(exception.retry_after_s)})
        if isinstance(exception, ThrottleUnavailable):
            return error_response(request, 503, str(exception), headers={"Retry-After": str(exception.retry_after_s)})
        if isinstance(exception, AttemptConflict):
            return error_response(request, 409, str(exception))
        if isinstance(exception, ValidationError):
            message, fields = django_error(exception)
            return error_response(request, 400, message, fields=fields)
        return None


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return error_response(request, 400, "The request could not be understood; nothing was saved.")


def forbidden(request: HttpRequest, exception: Exception) -> HttpResponse:
    return error_response(request, 403, "You are not allowed to do that.")


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return error_response(request, 404, "There is nothing here. The item may have been removed, or the link is mistyped.")


def server_error(request: HttpRequest) -> HttpResponse:
    """Renders without the site's layout: that needs the session and the database, which may be what failed."""
    message = "Something went wrong on our side. Please try again."
    if _wants_json(request):
        return error_json(500, message)
    return render(request, "500.html", {"message": message}, status=500)
