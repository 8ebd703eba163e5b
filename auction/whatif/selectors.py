"""Reads of "what if" runs for the pages."""
from django.db.models import QuerySet

from auction.whatif.models import WhatIfDifference, WhatIfRun

RECENT = 20
SHOWN_DIFFERENCES = 200


def whatif_recent_runs() -> QuerySet[WhatIfRun]:
    return WhatIfRun.objects.select_related("requested_by")[:RECENT]


def whatif_run_get(*, run_id: int) -> WhatIfRun | None:
    return WhatIfRun.objects.select_related("requested_by").filter(pk=run_id).first()


def whatif_differences(*, run: WhatIfRun, limit: int | None = SHOWN_DIFFERENCES) -> QuerySet[WhatIfDifference]:
    found = run.differences.all()
    return found if limit is None else found[:limit]
