from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from auction.health.checks import dependency_report


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when every dependency answers, 503 otherwise; the body names each one's state."""
    report = dependency_report()
    healthy = all(state == "ok" for state in report.values())
    return JsonResponse(report, status=200 if healthy else 503)
