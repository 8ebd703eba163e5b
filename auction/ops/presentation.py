"""The ops page's JSON shapes for dead letters and rebuild runs."""
import json

from auction.ops.deadletters import text
from auction.ops.models import DeadLetter, RebuildRun

PAYLOAD_SHOWN = 4000


def payload_preview(value: bytes | None) -> str:
    """The record value for a person: indented JSON when it is JSON, else its text, cut short when long."""
    if value is None:
        return "(no value)"
    raw = text(bytes(value))
    try:
        shown = json.dumps(json.loads(raw), indent=2, ensure_ascii=False)
    except ValueError:
        shown = raw
    return shown if len(shown) <= PAYLOAD_SHOWN else shown[:PAYLOAD_SHOWN] + " …"


def _iso(moment) -> str | None:
    return None if moment is None else moment.isoformat()


def dead_letter_json(letter: DeadLetter) -> dict:
    return {
        "id": letter.pk,
        "received_at": _iso(letter.received_at),
        "processor": letter.processor,
        "origin": {"topic": letter.origin_topic, "partition": letter.origin_partition, "offset": letter.origin_offset},
        "error_type": letter.error_type,
        "error": letter.error,
        "event_type": letter.event_type,
        "key": None if letter.key is None else text(bytes(letter.key)),
        "payload": payload_preview(letter.value),
        "replayable": letter.replayable,
        "status": letter.status,
        "resolved_by": letter.resolved_by.get_username() if letter.resolved_by else None,
        "resolved_at": _iso(letter.resolved_at),
        "note": letter.note,
        "replayed_to": (
            None if letter.replayed_offset is None
            else {"topic": letter.replayed_topic, "partition": letter.replayed_partition, "offset": letter.replayed_offset}
        ),
    }


def rebuild_run_json(run: RebuildRun) -> dict:
    return {
        "id": run.pk,
        "processor": run.processor,
        "status": run.status,
        "requested_by": run.requested_by.get_username() if run.requested_by else "command line",
        "started_at": _iso(run.started_at),
        "finished_at": _iso(run.finished_at),
        "records_done": run.records_done,
        "records_total": run.records_total,
        "error": run.error,
    }
