"""/ops/whatif/: start a run, follow it, read and export what it found. Staff only."""
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from auction.ops.access import staff_page
from auction.whatif.export import csv_lines
from auction.whatif.forms import WhatIfForm, initial
from auction.whatif.presentation import changed_fields, difference_row, rules_said, totals_lines
from auction.whatif.selectors import SHOWN_DIFFERENCES, whatif_differences, whatif_recent_runs, whatif_run_get
from auction.whatif.services import whatif_start


@staff_page
@require_http_methods(["GET", "POST"])
def whatif_page(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = WhatIfForm(request.POST)
        if form.is_valid():
            run = whatif_start(
                requested_by=request.user,
                range_start=form.cleaned_data["range_start"],
                range_end=form.cleaned_data["range_end"],
                rules=form.rules(),
            )
            return redirect("whatif:run", run_id=run.pk)
        status = 400
    else:
        form, status = WhatIfForm(initial=initial()), 200
    return render(request, "whatif/index.html", {"form": form, "runs": whatif_recent_runs()}, status=status)


def _run_or_404(run_id: int):
    run = whatif_run_get(run_id=run_id)
    if run is None:
        raise Http404("No such run.")
    return run


@staff_page
@require_GET
def whatif_run_page(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run_or_404(run_id)
    context = {"run": run, "rules": rules_said(run)}
    if run.status == run.Status.SUCCEEDED:
        context |= {
            "totals": totals_lines(run),
            "fields": changed_fields(run),
            "differences": [difference_row(d) for d in whatif_differences(run=run)],
            "shown_limit": SHOWN_DIFFERENCES,
        }
    return render(request, "whatif/run.html", context)


@staff_page
@require_GET
def whatif_run_csv(request: HttpRequest, run_id: int) -> StreamingHttpResponse:
    run = _run_or_404(run_id)
    response = StreamingHttpResponse(csv_lines(whatif_differences(run=run, limit=None).iterator()), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="whatif-{run.pk}.csv"'
    return response
