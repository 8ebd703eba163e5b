"""Reads for the ops page: dead letters and rebuild runs."""
from django.db.models import QuerySet

from auction.ops.models import DeadLetter, RebuildRun

DEAD_LETTERS_SHOWN = 200
RUNS_SHOWN = 5


def dead_letter_list(*, status: str | None = DeadLetter.Status.PENDING) -> QuerySet[DeadLetter]:
    """Newest first; all statuses when `status` is None."""
    letters = DeadLetter.objects.select_related("resolved_by")
    if status:
        letters = letters.filter(status=status)
    return letters[:DEAD_LETTERS_SHOWN]


def rebuild_runs() -> QuerySet[RebuildRun]:
    return RebuildRun.objects.select_related("requested_by")[:RUNS_SHOWN]
