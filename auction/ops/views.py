"""The ops page and the JSON endpoints it polls and posts to; /metrics for Prometheus."""
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from kafka.errors import KafkaError
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

from auction.ops.access import staff_json, staff_or_local, staff_page
from auction.ops.broker import shared_broker
from auction.ops.models import DeadLetter
from auction.ops.overview import ops_overview
from auction.ops.presentation import dead_letter_json, rebuild_run_json
from auction.ops.readings import LastReadings
from auction.ops.rebuilds import DEFAULT, not_rebuildable, rebuild_start, rebuildable_processors
from auction.ops.selectors import dead_letter_list, rebuild_runs
from auction.ops.services import dead_letters_discard, dead_letters_replay
from auction.json_input import JsonRefused, parse_json
from auction.publishing import PublishUnavailable

log = logging.getLogger(__name__)

READINGS = LastReadings()


def _body(request: HttpRequest) -> dict:
    try:
        data = parse_json(
            request.body or b"{}", max_bytes=settings.AUCTION_JSON_MAX_BYTES, max_depth=settings.AUCTION_JSON_MAX_DEPTH
        )
    except JsonRefused as refused:
        raise ValidationError(str(refused), code="too_large" if refused.status == 413 else "invalid") from None
    if not isinstance(data, dict):
        raise ValidationError("Send a JSON object.")
    return data


def _ids(data: dict) -> list[int]:
    ids = data.get("ids")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, int) for i in ids):
        raise ValidationError("Give the dead letters as a non-empty list of ids.")
    return ids


def _refused(error: ValidationError) -> JsonResponse:
    too_large = getattr(error, "code", None) == "too_large"  # a ValidationError of fields has no code
    return JsonResponse({"error": " ".join(error.messages)}, status=413 if too_large else 400)


@staff_page
@require_GET
def ops_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "ops/index.html",
        {
            "refresh_seconds": settings.OPS_REFRESH_SECONDS,
            "rebuildable": rebuildable_processors(),
            "not_rebuildable": not_rebuildable(),
            "default_rebuild": DEFAULT,
        },
    )


@staff_json
@require_GET
def overview(request: HttpRequest) -> JsonResponse:
    try:
        return JsonResponse(ops_overview(broker=shared_broker(), readings=READINGS))
    except KafkaError as error:
        log.warning("the ops overview: Kafka did not answer (%r)", error, exc_info=True)
        return JsonResponse({"error": f"Kafka did not answer ({type(error).__name__})."}, status=503)


@staff_json
@require_GET
def dead_letters(request: HttpRequest) -> JsonResponse:
    status = request.GET.get("status", DeadLetter.Status.PENDING)
    letters = dead_letter_list(status=None if status == "all" else status)
    return JsonResponse({"dead_letters": [dead_letter_json(letter) for letter in letters]})


@staff_json
@require_POST
def dead_letters_replay_view(request: HttpRequest) -> JsonResponse:
    try:
        replayed = dead_letters_replay(ids=_ids(_body(request)), staff=request.user)
    except ValidationError as error:
        return _refused(error)
    except PublishUnavailable as error:
        return JsonResponse({"error": str(error)}, status=503)
    return JsonResponse({"replayed": [dead_letter_json(letter) for letter in replayed]})


@staff_json
@require_POST
def dead_letters_discard_view(request: HttpRequest) -> JsonResponse:
    try:
        data = _body(request)
        discarded = dead_letters_discard(ids=_ids(data), staff=request.user, reason=str(data.get("reason", "")))
    except ValidationError as error:
        return _refused(error)
    return JsonResponse({"discarded": [dead_letter_json(letter) for letter in discarded]})


def _rebuild_target(request: HttpRequest) -> str:
    """The processor a POST names, as JSON (the page) or a form field; the projector when it names none."""
    data = _body(request) if request.content_type == "application/json" else request.POST
    return str(data.get("processor") or DEFAULT)


@staff_json
@require_http_methods(["GET", "POST"])
def rebuild(request: HttpRequest) -> JsonResponse:
    """GET: the latest runs, with progress; POST `{"processor": name}` (the projector if none): start one (202)."""
    if request.method == "POST":
        try:
            run = rebuild_start(processor=_rebuild_target(request), requested_by=request.user)
        except ValidationError as error:
            status = {"running": 409, "too_large": 413}.get(error.code, 400)
            return JsonResponse({"error": " ".join(error.messages)}, status=status)
        return JsonResponse({"run": rebuild_run_json(run)}, status=202)
    return JsonResponse({"runs": [rebuild_run_json(run) for run in rebuild_runs()]})


@staff_or_local
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    return HttpResponse(generate_latest(REGISTRY), content_type=CONTENT_TYPE_LATEST)
