"""Running a rebuild of a processor's tables, from the ops page (in a background thread) or the command line.

Any registered processor whose tables are all derived from the log can be rebuilt
(`auction.streaming.rebuild`); one rebuild runs at a time. Both ways record a `RebuildRun` and
report progress into it from a small thread of their own: the rebuild's writes are one long
transaction, invisible until it commits, so progress has to go through another database
connection to be seen while it runs.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from auction.ops.models import RebuildRun
from auction.processors import PROCESSORS, deployed_processor, processor_named
from auction.streaming.rebuild import Rebuilt, rebuild, why_not_rebuildable
from auction.streaming.sink import PostgresSink

log = logging.getLogger(__name__)
REPORT_INTERVAL_S = 0.5
STALE_AFTER = timedelta(seconds=30)
"""A running rebuild reports twice a second; one silent for this long died with its process."""
DEFAULT = "projector"
"""What "rebuild" means when no processor is named: the read models."""


def rebuildable_processors() -> list[str]:
    """The registered processors that can be rebuilt, in the registry's order."""
    return [name for name, processor in PROCESSORS.items() if not why_not_rebuildable(processor)]


def not_rebuildable() -> dict[str, str]:
    """The registered processors that write PostgreSQL but cannot be rebuilt, with the reason."""
    postgres = {name: processor for name, processor in PROCESSORS.items() if isinstance(processor.sink, PostgresSink)}
    return {name: reason for name, processor in postgres.items() if (reason := why_not_rebuildable(processor))}


class _Reporter(threading.Thread):
    def __init__(self, run_id: int) -> None:
        super().__init__(name=f"rebuild-{run_id}-progress", daemon=True)
        self.run_id = run_id
        self._latest = (0, 0)
        self._finished = threading.Event()

    def update(self, done: int, total: int) -> None:
        self._latest = (done, total)

    def finish(self) -> None:
        self._finished.set()
        self.join()

    def run(self) -> None:
        try:
            while not self._finished.wait(REPORT_INTERVAL_S):
                self._write()
            self._write()
        finally:
            connection.close()

    def _write(self) -> None:
        done, total = self._latest
        RebuildRun.objects.filter(pk=self.run_id).update(
            records_done=done, records_total=total, heartbeat_at=timezone.now()
        )


def _mark_interrupted() -> None:
    """Runs whose process died still say "running"; a silent heartbeat says otherwise."""
    RebuildRun.objects.filter(status=RebuildRun.Status.RUNNING, heartbeat_at__lt=timezone.now() - STALE_AFTER).update(
        status=RebuildRun.Status.FAILED, error="interrupted (its process stopped)", finished_at=timezone.now()
    )


def rebuild_begin(*, processor: str = DEFAULT, requested_by: AbstractBaseUser | None) -> RebuildRun:
    """Record a new run, refusing a processor that cannot be rebuilt, and while another run is running."""
    try:
        reason = why_not_rebuildable(processor_named(processor))
    except LookupError as error:
        raise ValidationError(str(error), code="unknown") from None
    if reason:
        raise ValidationError(f"{processor} cannot be rebuilt: {reason}.", code="not_rebuildable")
    _mark_interrupted()
    if RebuildRun.objects.filter(status=RebuildRun.Status.RUNNING).exists():
        raise ValidationError("A rebuild is already running; wait for it to finish.", code="running")
    return RebuildRun.objects.create(processor=processor, requested_by=requested_by)


def rebuild_execute(*, run: RebuildRun, echo: Callable[[int, int], None] | None = None) -> Rebuilt:
    """Rebuild in this thread, recording progress and the outcome on `run`; errors are recorded, then raised."""
    reporter = _Reporter(run.pk)
    reporter.start()

    def progress(done: int, total: int) -> None:
        reporter.update(done, total)
        if echo is not None:
            echo(done, total)

    try:
        rebuilt = rebuild(
            deployed_processor(run.processor),  # its tables and offsets as it keeps them here (suffixed in tests)
            bootstrap_servers=settings.KAFKA_BOOTSTRAP_SERVERS,
            security=settings.KAFKA_SECURITY,
            progress=progress,
        )
        run.status = RebuildRun.Status.SUCCEEDED
        return rebuilt
    except Exception as error:
        run.status, run.error = RebuildRun.Status.FAILED, f"{type(error).__name__}: {error}"
        raise
    finally:
        reporter.finish()
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])


def rebuild_start(*, processor: str = DEFAULT, requested_by: AbstractBaseUser) -> RebuildRun:
    """Begin a rebuild in a background thread of this process; the ops page follows it through the run's row."""
    run = rebuild_begin(processor=processor, requested_by=requested_by)

    def work() -> None:
        try:
            rebuild_execute(run=run)
        except Exception:
            log.exception("rebuild %s failed", run.pk)
        finally:
            connection.close()

    threading.Thread(target=work, name=f"rebuild-{run.pk}", daemon=True).start()
    return run
