from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from auction.health.report import health_report


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when every dependency answers and every watched processor is healthy, 503 otherwise.

    The body names what fails and why (`failing`), each dependency's state and each processor's
    instances, partitions, lag, last commit and aborts; see docs/how-to/operations.md."""
    report = health_report()
    return JsonResponse(report.as_json(), status=200 if report.healthy else 503)
