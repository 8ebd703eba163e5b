"""Starting a "what if" run, and carrying one out (in a Celery worker: `tasks.run_whatif`)."""
from __future__ import annotations

import logging
import time
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from kafka.errors import KafkaError

from auction.whatif.models import WhatIfDifference, WhatIfRun
from auction.whatif.rules import rules_as_json, rules_from_json
from streams import kafka_clients
from streams.bidding import LIVE_RULES, Rules
from streams.bidding.what_if import AuctionResult, Comparison, Redecider, compare
from streams.topics import BIDS_TOPIC, ITEMS_TOPIC
from streams.what_if_log import StretchRefused, item_events, stretch

log = logging.getLogger(__name__)
REPORT_INTERVAL_S = 0.5


def whatif_start(*, requested_by: AbstractBaseUser, range_start: datetime, range_end: datetime, rules: Rules) -> WhatIfRun:
    """Record a run and queue it for a worker once the row is committed."""
    if range_end <= range_start:
        raise ValidationError("The range must end after it starts.")
    if range_end > timezone.now():
        raise ValidationError("The range must be in the past: the log after now is not written yet.")
    if range_end - range_start > settings.WHATIF_MAX_RANGE:
        raise ValidationError(f"A range may span at most {settings.WHATIF_MAX_RANGE.days} days.")
    run = WhatIfRun.objects.create(
        requested_by=requested_by, range_start=range_start, range_end=range_end, rules=rules_as_json(rules)
    )
    from auction.whatif.tasks import run_whatif  # the task module imports this one

    transaction.on_commit(lambda: run_whatif.apply_async((run.pk,), queue=settings.WHATIF_QUEUE))
    return run


def log_topics() -> tuple[str, str]:
    """auction.items and auction.bids, or their twins under `WHATIF_TOPIC_PREFIX` (tests, copies of the log)."""
    prefix = settings.WHATIF_TOPIC_PREFIX
    return (f"{prefix}.{ITEMS_TOPIC}", f"{prefix}.{BIDS_TOPIC}") if prefix else (ITEMS_TOPIC, BIDS_TOPIC)


def _consumer():
    return kafka_clients.consumer(
        settings.KAFKA_BOOTSTRAP_SERVERS,
        security=settings.KAFKA_SECURITY,
        client_id="whatif",
        isolation_level="read_committed",
        enable_auto_commit=False,
        request_timeout_ms=30_000,
    )


class _Progress:
    def __init__(self, run: WhatIfRun) -> None:
        self.run, self.last = run, 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last >= REPORT_INTERVAL_S or done == total:
            self.last = now
            WhatIfRun.objects.filter(pk=self.run.pk).update(records_done=done, records_total=total)


def whatif_execute(*, run_id: int) -> WhatIfRun | None:
    """Decide the run's auctions under the live rules and its change, and keep what differs.

    A run already finished is left as it is (a task delivered twice); one found running was
    interrupted (its worker died) and starts again."""
    run = WhatIfRun.objects.filter(pk=run_id).first()
    if run is None or run.finished:
        return run
    run.differences.all().delete()
    run.status, run.started_at, run.error = WhatIfRun.Status.RUNNING, timezone.now(), ""
    run.save(update_fields=["status", "started_at", "error"])
    consumers = (_consumer(), _consumer())
    try:
        before, after, skipped, unreadable = _decide(run, consumers)
        _keep(run, compare(before, after), skipped, unreadable)
    except (StretchRefused, KafkaError) as error:
        why = str(error) if isinstance(error, StretchRefused) else f"Kafka did not answer ({type(error).__name__}); try again."
        _fail(run, why)
    except Exception as error:
        log.exception("what-if run %s failed", run.pk)
        _fail(run, f"The run failed: {type(error).__name__}.")
    finally:
        for consumer in consumers:
            consumer.close()
    return run


def _decide(run: WhatIfRun, consumers) -> tuple[dict[str, AuctionResult], dict[str, AuctionResult], int, int]:
    items_topic, bids_topic = log_topics()
    reading = stretch(consumers[0], run.range_start, run.range_end, items_topic=items_topic, bids_topic=bids_topic)
    if reading.total > settings.WHATIF_MAX_RECORDS:
        raise StretchRefused(
            f"The range holds {reading.total:,} records; a run reads at most {settings.WHATIF_MAX_RECORDS:,}: "
            "choose a shorter range."
        )
    run.records_total = reading.total
    WhatIfRun.objects.filter(pk=run.pk).update(records_total=reading.total)
    live, changed = Redecider(LIVE_RULES), Redecider(rules_from_json(run.rules))
    deadline = time.monotonic() + settings.WHATIF_MAX_SECONDS
    for event in item_events(reading, consumers, deadline=deadline, progress=_Progress(run)):
        live.feed(event)
        changed.feed(event)
    live.finish(run.range_end)
    changed.finish(run.range_end)
    return live.results(), changed.results(), live.skipped, reading.unreadable


def _winner(result: AuctionResult) -> str:
    return "" if result.winner_id is None else f"{result.winner_name} (#{result.winner_id})"


def _keep(run: WhatIfRun, comparison: Comparison, skipped: int, unreadable: int) -> None:
    def totals(side) -> dict:
        return {
            "auctions": side.auctions, "ended": side.ended, "sold": side.sold,
            "revenue": side.revenue, "extensions": side.extensions,
        }

    currencies = sorted(comparison.before)
    with transaction.atomic():
        WhatIfDifference.objects.bulk_create(
            [
                WhatIfDifference(
                    run=run,
                    item_id=diff.item_id,
                    currency=diff.before.currency,
                    changed=list(diff.changed),
                    outcome_before=diff.before.outcome or "",
                    outcome_after=diff.after.outcome or "",
                    winner_before=_winner(diff.before),
                    winner_after=_winner(diff.after),
                    price_before=diff.before.final_price,
                    price_after=diff.after.final_price,
                    extensions_before=diff.before.extensions,
                    extensions_after=diff.after.extensions,
                    ends_at_before=diff.before.ends_at,
                    ends_at_after=diff.after.ends_at,
                )
                for diff in comparison.diffs
            ],
            batch_size=1000,
        )
        run.auctions, run.differing, run.skipped, run.unreadable = comparison.auctions, len(comparison.diffs), skipped, unreadable
        run.totals = {c: {"before": totals(comparison.before[c]), "after": totals(comparison.after[c])} for c in currencies}
        run.changed_fields = dict(comparison.changed_fields)
        run.status, run.finished_at = WhatIfRun.Status.SUCCEEDED, timezone.now()
        run.records_done = run.records_total
        run.save()


def _fail(run: WhatIfRun, why: str) -> None:
    run.status, run.error, run.finished_at = WhatIfRun.Status.FAILED, why, timezone.now()
    run.save(update_fields=["status", "error", "finished_at"])
